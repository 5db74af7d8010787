// The real sandbox server (`imwallet-sandbox`, built on the host) as a child
// process on a free loopback port with its own SQLite file, plus the few
// operator calls the tests need (create an app, read sent codes).
import Foundation
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
#if canImport(Glibc)
    import Glibc
#endif

enum SandboxError: Error {
    case binaryMissing(String)
    case notReady(String)
    case http(Int, String)
}

/// A running `imwallet-sandbox --listen 127.0.0.1:PORT --db <temp file>`.
final class SandboxProcess: @unchecked Sendable {
    let baseURL: String
    let port: UInt16
    private let process: Process
    private let directory: URL

    /// Starts the server and waits until it answers HTTP.
    static func start() async throws -> SandboxProcess {
        guard let binary = ProcessInfo.processInfo.environment["IMWALLET_SANDBOX_BIN"],
              FileManager.default.isExecutableFile(atPath: binary)
        else {
            throw SandboxError.binaryMissing("set IMWALLET_SANDBOX_BIN to the imwallet-sandbox binary")
        }
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("imwallet-swift-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let port = try freeLoopbackPort()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["--listen", "127.0.0.1:\(port)",
                             "--db", directory.appendingPathComponent("sandbox.db").path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let server = SandboxProcess(process: process, port: port, directory: directory)
        try await server.waitUntilReady()
        return server
    }

    private init(process: Process, port: UInt16, directory: URL) {
        self.process = process
        self.port = port
        self.directory = directory
        baseURL = "http://127.0.0.1:\(port)"
    }

    deinit { stop() }

    /// Stops the server (SIGTERM, then waits); idempotent.
    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: directory)
    }

    private func waitUntilReady() async throws {
        for _ in 0 ..< 200 {
            if !process.isRunning { throw SandboxError.notReady("imwallet-sandbox exited") }
            if (try? await request("GET", "/v1/apps/current")) != nil { return }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        throw SandboxError.notReady("no answer on \(baseURL) after 10 s")
    }

    /// `POST /v1/apps`: a new app; returns its API key.
    func createApp(name: String = "swift-tests") async throws -> String {
        let body = try await request("POST", "/v1/apps", json: ["name": name])
        guard let key = body["api_key"] as? String else { throw SandboxError.http(200, "no api_key") }
        return key
    }

    /// The newest code the sandbox "sent" to `destination` (`GET /v1/sandbox/outbox`).
    func latestCode(apiKey: String, destination: String) async throws -> String {
        let query = destination.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? destination
        let body = try await request("GET", "/v1/sandbox/outbox?destination=\(query)", apiKey: apiKey)
        guard let messages = body["messages"] as? [[String: Any]],
              let code = messages.first?["code"] as? String
        else { throw SandboxError.http(200, "no code sent to \(destination)") }
        return code
    }

    /// One HTTP call returning the JSON object of any answer (2xx or problem).
    @discardableResult
    func request(_ method: String, _ path: String, apiKey: String? = nil,
                 json: [String: Any]? = nil) async throws -> [String: Any]
    {
        var request = URLRequest(url: URL(string: baseURL + path)!)
        request.httpMethod = method
        if let apiKey { request.setValue(apiKey, forHTTPHeaderField: "X-Api-Key") }
        if let json {
            request.httpBody = try JSONSerialization.data(withJSONObject: json)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        guard (200 ..< 300).contains(status) else {
            throw SandboxError.http(status, String(decoding: data, as: UTF8.self))
        }
        return object
    }
}

/// A loopback TCP port nothing listens on right now (bind to 0, read, close).
func freeLoopbackPort() throws -> UInt16 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw SandboxError.notReady("socket() failed") }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
        }
    }
    guard bound else { throw SandboxError.notReady("bind() failed") }
    return UInt16(bigEndian: address.sin_port)
}
