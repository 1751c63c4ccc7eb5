export type KeychainStatus = { "state": "available", backend: string, } | { "state": "unavailable", code: string, message: string, remedy: string, };
