/// Random identifiers as lowercase hex (lock tokens, JWT ids).
public enum RandomHex {
    /// `bytes` random bytes from the system generator, two hex digits each.
    public static func make(bytes: Int) -> String {
        let digits = Array("0123456789abcdef")
        var generator = SystemRandomNumberGenerator()
        return String((0..<bytes).flatMap { _ -> [Character] in
            let byte = UInt8.random(in: 0...255, using: &generator)
            return [digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]]
        })
    }
}
