// A loopback TCP proxy in front of the sandbox that can lose answers after
// the server committed: while armed, a request whose line starts with the
// armed prefix is forwarded, the server's response is dropped and both
// connections are closed. The client sees a lost answer (the core keeps the
// operation: `.pending`), the server has done the work. Threads and blocking
// sockets, so the harness needs nothing but the C library.
import Foundation
#if canImport(Glibc)
    import Glibc
#endif

/// `127.0.0.1:port` forwarding to the sandbox's port, cutting answers on demand.
final class CutProxy: @unchecked Sendable {
    // @unchecked: `armed`, `cuts` and `stopped` change only under `lock`;
    // the fds are immutable after init.
    let port: UInt16
    private let listener: Int32
    private let upstream: UInt16
    private let lock = NSLock()
    private var armed: String?
    private var cuts = 0
    private var stopped = false

    /// The proxy's base URL for a `WalletClient`.
    var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Listens on a free loopback port and forwards to `upstream`.
    init(upstream: UInt16) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw SandboxError.notReady("socket() failed") }
        var address = loopback(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard bound, listen(fd, 64) == 0 else {
            close(fd)
            throw SandboxError.notReady("the proxy could not listen")
        }
        listener = fd
        port = UInt16(bigEndian: address.sin_port)
        self.upstream = upstream
        Thread.detachNewThread { [self] in acceptLoop() }
    }

    /// From now on, drops the answer of every request whose line starts with `prefix`.
    func cutAfterResponse(_ prefix: String) { lock.withLock { armed = prefix } }

    /// Forwards everything again.
    func heal() { lock.withLock { armed = nil } }

    /// How many answers were dropped.
    var cutCount: Int { lock.withLock { cuts } }

    /// Stops accepting (open connections end with their peers).
    func stop() {
        let first = lock.withLock { () -> Bool in
            defer { stopped = true }
            return !stopped
        }
        guard first else { return }
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    fileprivate var armedPrefix: String? { lock.withLock { armed } }
    fileprivate func recordCut() { lock.withLock { cuts += 1 } }

    private func acceptLoop() {
        while true {
            let client = accept(listener, nil, nil)
            guard client >= 0 else { return }
            let server = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = loopback(port: upstream)
            let connected = server >= 0 && withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(server, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
                }
            }
            guard connected else {
                close(client)
                if server >= 0 { close(server) }
                continue
            }
            let link = ProxyLink(client: client, server: server, proxy: self)
            Thread.detachNewThread { link.pumpRequests() }
            Thread.detachNewThread { link.pumpResponses() }
        }
    }
}

/// One proxied connection: two pumps; the fds are closed when both ended.
private final class ProxyLink: @unchecked Sendable {
    // @unchecked: `cutNext` and `ended` change only under `lock`.
    let client: Int32
    let server: Int32
    let proxy: CutProxy
    private let lock = NSLock()
    private var cutNext = false
    private var ended = 0

    init(client: Int32, server: Int32, proxy: CutProxy) {
        self.client = client
        self.server = server
        self.proxy = proxy
    }

    func pumpRequests() {
        var buffer = [UInt8](repeating: 0, count: 16384)
        while true {
            let n = recv(client, &buffer, buffer.count, 0)
            guard n > 0 else { break }
            if let prefix = proxy.armedPrefix, buffer[0 ..< n].starts(with: Array(prefix.utf8)) {
                lock.withLock { cutNext = true }
            }
            guard sendAll(server, buffer[0 ..< n]) else { break }
        }
        end()
    }

    func pumpResponses() {
        var buffer = [UInt8](repeating: 0, count: 16384)
        while true {
            let n = recv(server, &buffer, buffer.count, 0)
            guard n > 0 else { break }
            if lock.withLock({ cutNext }) {
                proxy.recordCut()
                break
            }
            guard sendAll(client, buffer[0 ..< n]) else { break }
        }
        end()
    }

    /// Ends both directions; the second pump to finish closes the fds.
    private func end() {
        shutdown(client, Int32(SHUT_RDWR))
        shutdown(server, Int32(SHUT_RDWR))
        let last = lock.withLock { () -> Bool in
            ended += 1
            return ended == 2
        }
        if last {
            close(client)
            close(server)
        }
    }
}

private func sendAll(_ fd: Int32, _ bytes: ArraySlice<UInt8>) -> Bool {
    bytes.withUnsafeBytes { raw in
        var sent = 0
        while sent < raw.count {
            let n = send(fd, raw.baseAddress! + sent, raw.count - sent, Int32(MSG_NOSIGNAL))
            guard n > 0 else { return false }
            sent += n
        }
        return true
    }
}
