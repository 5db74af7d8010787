// The real sandbox server (`imwallet-sandbox`, built on the host) as a child
// process on a free loopback port with its own SQLite file, plus the few
// operator calls the tests need (create an app, read sent codes).
//
// The child is started with posix_spawn and a cleared signal mask: Foundation's
// `Process` on Linux passes on the test runner's blocked signals, and such a
// sandbox ignores SIGTERM/SIGINT. HTTP goes over a plain socket (HTTP/1.1,
// `Connection: close`) so the harness needs nothing but the C library.
import Foundation
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
    // @unchecked: `pid` and `stopped` change only under `lock`.
    let baseURL: String
    let port: UInt16
    private var pid: pid_t
    private var stopped = false
    private let lock = NSLock()
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
        let pid = try spawn(binary, ["--listen", "127.0.0.1:\(port)",
                                     "--db", directory.appendingPathComponent("sandbox.db").path,
                                     "--operator-key", sandboxOperatorKey])
        let server = SandboxProcess(pid: pid, port: port, directory: directory)
        try await server.waitUntilReady()
        return server
    }

    private init(pid: pid_t, port: UInt16, directory: URL) {
        self.pid = pid
        self.port = port
        self.directory = directory
        baseURL = "http://127.0.0.1:\(port)"
    }

    deinit { stop() }

    /// Stops the server (SIGKILL: the tests need no graceful shutdown) and
    /// removes its files; idempotent.
    func stop() {
        lock.lock()
        defer { lock.unlock() }
        guard !stopped else { return }
        stopped = true
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        try? FileManager.default.removeItem(at: directory)
    }

    private func isRunning() -> Bool {
        var status: Int32 = 0
        return waitpid(pid, &status, WNOHANG) == 0
    }

    private func waitUntilReady() async throws {
        for _ in 0 ..< 400 {
            guard isRunning() else { throw SandboxError.notReady("imwallet-sandbox exited at start") }
            if (try? httpRequest(port: port, "GET", "/v1/apps/current", headers: [:], body: nil)) != nil { return }
            try await Task.sleep(nanoseconds: 25_000_000)
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

    /// One HTTP call; returns the JSON object of a 2xx answer, throws otherwise.
    @discardableResult
    func request(_ method: String, _ path: String, apiKey: String? = nil,
                 json: [String: Any]? = nil) async throws -> [String: Any]
    {
        var headers: [String: String] = [:]
        if let apiKey { headers["X-Api-Key"] = apiKey }
        headers["X-Sandbox-Operator-Key"] = sandboxOperatorKey
        let body = try json.map { try JSONSerialization.data(withJSONObject: $0) }
        if body != nil { headers["Content-Type"] = "application/json" }
        let (status, data) = try httpRequest(port: port, method, path, headers: headers, body: body)
        guard (200 ..< 300).contains(status) else {
            throw SandboxError.http(status, String(decoding: data, as: UTF8.self))
        }
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
    }
}

/// The operator credential the harness starts the server with; the operator
/// endpoints (the outbox, settling withdrawals) require it as
/// `X-Sandbox-Operator-Key` (sandbox/README.md).
let sandboxOperatorKey = "op_swift_harness"

/// posix_spawn with default signal handlers and an empty signal mask.
private func spawn(_ path: String, _ arguments: [String]) throws -> pid_t {
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var empty = sigset_t()
    sigemptyset(&empty)
    var all = sigset_t()
    sigfillset(&all)
    posix_spawnattr_setsigmask(&attributes, &empty)
    posix_spawnattr_setsigdefault(&attributes, &all)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    var pid: pid_t = 0
    let rc = posix_spawn(&pid, path, &actions, &attributes, argv, environ)
    guard rc == 0 else { throw SandboxError.notReady("posix_spawn failed: \(rc)") }
    return pid
}

/// A blocking HTTP/1.1 exchange on 127.0.0.1 (`Connection: close`, read to EOF).
func httpRequest(port: UInt16, _ method: String, _ path: String, headers: [String: String],
                 body: Data?) throws -> (Int, Data)
{
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw SandboxError.notReady("socket() failed") }
    defer { close(fd) }
    var address = loopback(port: port)
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
        }
    }
    guard connected else { throw SandboxError.notReady("connect() failed") }
    var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
    for (name, value) in headers { head += "\(name): \(value)\r\n" }
    head += "Content-Length: \(body?.count ?? 0)\r\n\r\n"
    var request = Data(head.utf8)
    if let body { request.append(body) }
    try request.withUnsafeBytes { raw in
        var sent = 0
        while sent < raw.count {
            let n = send(fd, raw.baseAddress! + sent, raw.count - sent, Int32(MSG_NOSIGNAL))
            guard n > 0 else { throw SandboxError.notReady("send() failed") }
            sent += n
        }
    }
    var response = Data()
    var buffer = [UInt8](repeating: 0, count: 16384)
    while true {
        let n = recv(fd, &buffer, buffer.count, 0)
        if n <= 0 { break }
        response.append(contentsOf: buffer[0 ..< n])
    }
    guard let split = response.range(of: Data("\r\n\r\n".utf8)),
          let statusLine = String(data: response[..<split.lowerBound], encoding: .utf8)?
          .split(separator: "\r\n").first,
          let status = Int(statusLine.split(separator: " ").dropFirst().first ?? "")
    else { throw SandboxError.http(0, "no HTTP answer") }
    let head2 = String(decoding: response[..<split.lowerBound], as: UTF8.self).lowercased()
    var payload = Data(response[split.upperBound...])
    if head2.contains("transfer-encoding: chunked") { payload = dechunk(payload) }
    return (status, payload)
}

/// Decodes a chunked HTTP body.
private func dechunk(_ data: Data) -> Data {
    var out = Data()
    var rest = data[...]
    while let line = rest.range(of: Data("\r\n".utf8)),
          let size = Int(String(decoding: rest[..<line.lowerBound], as: UTF8.self), radix: 16), size > 0
    {
        let start = line.upperBound
        guard rest.distance(from: start, to: rest.endIndex) >= size else { break }
        let end = rest.index(start, offsetBy: size)
        out.append(rest[start ..< end])
        rest = rest[min(rest.index(end, offsetBy: 2, limitedBy: rest.endIndex) ?? rest.endIndex, rest.endIndex)...]
    }
    return out
}

func loopback(port: UInt16) -> sockaddr_in {
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = port.bigEndian
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    return address
}

/// A loopback TCP port nothing listens on right now (bind to 0, read, close).
func freeLoopbackPort() throws -> UInt16 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw SandboxError.notReady("socket() failed") }
    defer { close(fd) }
    var address = loopback(port: 0)
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
        }
    }
    guard bound else { throw SandboxError.notReady("bind() failed") }
    return UInt16(bigEndian: address.sin_port)
}
