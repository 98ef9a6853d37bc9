import CMongoC
