// The in-process test helpers, for every test target that imports ChatTestSupport.
@_exported import InProcessTestSupport
