//! A fault-injection proxy on 127.0.0.1 in front of the emulator: it forwards HTTP/1.1 requests
//! and, by a list of rules, delays, drops, resets, answers with an error, answers with a canned
//! reply (one the emulator does not give), cuts the reply short or never answers chosen ones. It
//! records the calls it saw.
//!
//! The client side keeps connections alive (the AWS SDK reuses them); each request goes
//! upstream on a connection of its own with `Connection: close`, and the whole reply is relayed
//! with a `Content-Length`. Every thread looks at a stop flag at least every 20 ms, and
//! dropping the proxy stops and joins them all.

use std::io::{ErrorKind, Read, Write};
use std::net::{Ipv4Addr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How long a thread of the proxy waits at most before it looks at the stop flag again.
const TICK: Duration = Duration::from_millis(20);
/// The largest request or reply head the proxy reads.
const MAX_HEAD: usize = 64 * 1024;
/// The largest request or reply body the proxy reads.
const MAX_BODY: usize = 16 * 1024 * 1024;
/// How long the upstream may take to connect.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);
/// How long the upstream may take to answer one request.
const UPSTREAM_DEADLINE: Duration = Duration::from_secs(60);
/// The body of an injected throttling error, as CloudFormation sends it.
pub const THROTTLING: &str = "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code>\
    <Message>Rate exceeded</Message></Error><RequestId>kumo-fault-proxy</RequestId></ErrorResponse>";

/// Which requests a rule counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Call {
    /// Every request.
    Any,
    /// A Query-protocol call (CloudFormation, STS) with this `Action=` in its form body.
    Action(&'static str),
    /// A Query-protocol call with this `Action=` whose form body holds this text (as sent:
    /// `StackName=shop-dev`; `:` and `/` of a value are percent-encoded).
    ActionWith(&'static str, &'static str),
    /// A REST call (S3's: no `Action=`) with this HTTP method.
    S3(&'static str),
}

impl Call {
    /// Whether a request with `method` and `body` (`action` from it, else `None`) is one.
    fn matches(self, method: &str, action: Option<&str>, body: &[u8]) -> bool {
        match self {
            Call::Any => true,
            Call::Action(name) => action == Some(name),
            Call::ActionWith(name, text) => {
                action == Some(name) && (text.is_empty() || find(body, text.as_bytes()).is_some())
            }
            Call::S3(wanted) => action.is_none() && method == wanted,
        }
    }
}

/// What the proxy does to a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Waits this long, then forwards it.
    Delay(Duration),
    /// Closes the connection without a reply (nothing goes upstream).
    Drop,
    /// Resets the connection (TCP RST: linger 0, then close).
    Reset,
    /// Forwards it, then closes the connection without passing the reply on: the call is
    /// made, its answer lost.
    Lose,
    /// Answers with this HTTP status (500, 503) and an XML error body (S3's shape for a REST
    /// call).
    Status(u16),
    /// Answers 400 with CloudFormation's throttling error ([`THROTTLING`]); a REST call, 503
    /// with S3's `SlowDown`.
    Throttle,
    /// Reads the request and never answers, holding the connection open until the proxy is
    /// dropped.
    Silence,
    /// Answers 200 with this XML body (nothing goes upstream): a reply the emulator does not
    /// give, such as a change set with nested change sets.
    Respond(&'static str),
    /// Answers 502 with this HTML page (nothing goes upstream): a gateway's error, not
    /// CloudFormation's.
    Page(&'static str),
    /// Forwards it and passes the reply on with its body cut short just after the first
    /// occurrence of this text (half-way through with an empty text), its `Content-Length` made
    /// to match: a reply the client cannot tell from a whole one by its framing. A reply whose
    /// body does not hold the text passes whole.
    Cut(&'static str),
}

/// When a rule strikes, among the requests it counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    /// On the N-th (from 1) only.
    Nth(usize),
    /// On every one.
    Every,
}

/// A fault on some requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// The requests it counts.
    pub call: Call,
    /// Which of those it strikes.
    pub when: When,
    /// What it does to them.
    pub fault: Fault,
}

impl Rule {
    /// `fault` on the `n`-th (from 1) request that is a `call`.
    pub const fn nth(call: Call, n: usize, fault: Fault) -> Rule {
        Rule {
            call,
            when: When::Nth(n),
            fault,
        }
    }

    /// `fault` on every request that is a `call`.
    pub const fn every(call: Call, fault: Fault) -> Rule {
        Rule {
            call,
            when: When::Every,
            fault,
        }
    }
}

/// A running proxy; dropping it stops it.
#[derive(Debug)]
pub struct FaultProxy {
    port: u16,
    shared: Arc<Shared>,
    accept: Option<JoinHandle<()>>,
}

/// What the proxy's threads share.
#[derive(Debug)]
struct Shared {
    upstream: SocketAddr,
    stop: AtomicBool,
    /// The rules, each with how many requests it has counted.
    rules: Mutex<Vec<(Rule, usize)>>,
    /// Each call's label and the region its signature names.
    calls: Mutex<Vec<(String, Option<String>)>>,
    connections: Mutex<Vec<JoinHandle<()>>>,
}

impl Shared {
    fn stopped(&self) -> bool {
        self.stop.load(Ordering::SeqCst)
    }

    /// Records a request (signed for `region`) and returns the fault of the first rule that
    /// strikes it, if any. Every rule counts the requests it matches, whether or not an earlier
    /// rule struck.
    fn fault_for(
        &self,
        (label, region): (String, Option<String>),
        method: &str,
        action: Option<&str>,
        body: &[u8],
    ) -> Option<Fault> {
        lock(&self.calls).push((label, region));
        let mut fault = None;
        for (rule, seen) in lock(&self.rules).iter_mut() {
            if !rule.call.matches(method, action, body) {
                continue;
            }
            *seen += 1;
            let strikes = match rule.when {
                When::Nth(n) => *seen == n,
                When::Every => true,
            };
            if strikes && fault.is_none() {
                fault = Some(rule.fault);
            }
        }
        fault
    }
}

/// The guard of `mutex`, even if a thread panicked holding it (the data stays usable).
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl FaultProxy {
    /// Starts a proxy on a free port of 127.0.0.1 in front of `127.0.0.1:upstream_port`, with
    /// `rules` (the first that strikes a request decides its fault).
    pub fn start(upstream_port: u16, rules: Vec<Rule>) -> std::io::Result<FaultProxy> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
        listener.set_nonblocking(true)?;
        let port = listener.local_addr()?.port();
        let shared = Arc::new(Shared {
            upstream: SocketAddr::from((Ipv4Addr::LOCALHOST, upstream_port)),
            stop: AtomicBool::new(false),
            rules: Mutex::new(rules.into_iter().map(|rule| (rule, 0)).collect()),
            calls: Mutex::new(Vec::new()),
            connections: Mutex::new(Vec::new()),
        });
        let accepting = Arc::clone(&shared);
        let accept = std::thread::spawn(move || accept_loop(&listener, &accepting));
        Ok(FaultProxy {
            port,
            shared,
            accept: Some(accept),
        })
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Its URL, for `--endpoint-url`.
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The calls it saw so far, in order: a Query call's action (`CreateChangeSet`), else the
    /// method and path (`PUT /bucket/key`).
    pub fn calls(&self) -> Vec<String> {
        let calls = lock(&self.shared.calls);
        calls.iter().map(|(label, _)| label.clone()).collect()
    }

    /// The calls it saw so far, as [`FaultProxy::calls`], each with the region its SigV4
    /// signature names (`None`: not signed).
    pub fn signed_calls(&self) -> Vec<(String, Option<String>)> {
        lock(&self.shared.calls).clone()
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        if let Some(accept) = self.accept.take() {
            let _ = accept.join();
        }
        let connections = std::mem::take(&mut *lock(&self.shared.connections));
        for connection in connections {
            let _ = connection.join();
        }
    }
}

/// Accepts connections until the proxy stops, one thread each.
fn accept_loop(listener: &TcpListener, shared: &Arc<Shared>) {
    while !shared.stopped() {
        match listener.accept() {
            Ok((stream, _)) => {
                let serving = Arc::clone(shared);
                let thread = std::thread::spawn(move || {
                    if let Ok(client) = Connection::new(stream) {
                        serve(client, &serving);
                    }
                });
                lock(&shared.connections).push(thread);
            }
            // Nothing to accept yet (or a failed accept): look at the stop flag again soon.
            Err(_) => std::thread::sleep(TICK),
        }
    }
}

/// A connection with what has been read from it but not used yet.
struct Connection {
    stream: TcpStream,
    buffer: Vec<u8>,
}

impl Connection {
    fn new(stream: TcpStream) -> std::io::Result<Connection> {
        stream.set_nonblocking(false)?;
        stream.set_read_timeout(Some(TICK))?;
        Ok(Connection {
            stream,
            buffer: Vec::new(),
        })
    }

    /// Reads more into the buffer: `false` at the end of the stream, when `stop` says so, or
    /// past `deadline`.
    fn fill(&mut self, stop: &dyn Fn() -> bool, deadline: Option<Instant>) -> bool {
        let mut chunk = [0; 16 * 1024];
        loop {
            if stop() || deadline.is_some_and(|d| Instant::now() > d) {
                return false;
            }
            match self.stream.read(&mut chunk) {
                Ok(0) => return false,
                Ok(n) => {
                    self.buffer.extend_from_slice(&chunk[..n]);
                    return true;
                }
                Err(err) if matches!(err.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
                Err(err) if err.kind() == ErrorKind::Interrupted => {}
                Err(_) => return false,
            }
        }
    }

    /// The next message head (up to its blank line), or `None` when the stream ends first.
    fn head(&mut self, stop: &dyn Fn() -> bool, deadline: Option<Instant>) -> Option<Head> {
        loop {
            if let Some(end) = find(&self.buffer, b"\r\n\r\n") {
                let head = Head::parse(&self.buffer[..end]);
                self.buffer.drain(..end + 4);
                return head;
            }
            if self.buffer.len() > MAX_HEAD || !self.fill(stop, deadline) {
                return None;
            }
        }
    }

    /// The body of a request with `head`, as sent (chunks and all).
    fn request_body(&mut self, head: &Head, stop: &dyn Fn() -> bool) -> Option<Vec<u8>> {
        if head.chunked() {
            loop {
                if let Some((length, _)) = dechunk(&self.buffer) {
                    return Some(self.buffer.drain(..length).collect());
                }
                if self.buffer.len() > MAX_BODY || !self.fill(stop, None) {
                    return None;
                }
            }
        }
        let length = head.content_length().unwrap_or(0);
        if length > MAX_BODY {
            return None;
        }
        while self.buffer.len() < length {
            if !self.fill(stop, None) {
                return None;
            }
        }
        Some(self.buffer.drain(..length).collect())
    }
}

/// A request or reply line and its headers.
#[derive(Debug)]
struct Head {
    line: String,
    headers: Vec<(String, String)>,
}

impl Head {
    fn parse(bytes: &[u8]) -> Option<Head> {
        let text = std::str::from_utf8(bytes).ok()?;
        let mut lines = text.split("\r\n");
        let line = lines.next()?.to_owned();
        let headers = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(name, value)| (name.trim().to_owned(), value.trim().to_owned()))
            .collect();
        Some(Head { line, headers })
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The region of the SigV4 signature: `Credential=KEY/DATE/REGION/SERVICE/aws4_request`.
    fn signing_region(&self) -> Option<String> {
        let credential = self.header("authorization")?.split("Credential=").nth(1)?;
        Some(credential.split('/').nth(2)?.to_owned())
    }

    fn content_length(&self) -> Option<usize> {
        self.header("content-length")?.parse().ok()
    }

    fn chunked(&self) -> bool {
        self.header("transfer-encoding")
            .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"))
    }

    /// The head as sent, without the headers named in `skip`, with `extra` ones added.
    fn render(&self, skip: &[&str], extra: &[(&str, String)]) -> Vec<u8> {
        let mut text = format!("{}\r\n", self.line);
        for (name, value) in &self.headers {
            if !skip.iter().any(|s| name.eq_ignore_ascii_case(s)) {
                text.push_str(&format!("{name}: {value}\r\n"));
            }
        }
        for (name, value) in extra {
            text.push_str(&format!("{name}: {value}\r\n"));
        }
        text.push_str("\r\n");
        text.into_bytes()
    }
}

/// Where `needle` first occurs in `haystack`.
fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// A complete chunked body at the start of `data`: how many bytes it takes (trailers included)
/// and its content; `None` while incomplete or malformed.
fn dechunk(data: &[u8]) -> Option<(usize, Vec<u8>)> {
    let mut position = 0;
    let mut content = Vec::new();
    loop {
        let line_end = position + find(&data[position..], b"\r\n")?;
        let size_text = std::str::from_utf8(&data[position..line_end]).ok()?;
        let size_text = size_text.split(';').next().unwrap_or_default().trim();
        let size = usize::from_str_radix(size_text, 16).ok()?;
        position = line_end + 2;
        if size == 0 {
            // Trailers, if any, end with an empty line.
            if data.get(position..position + 2)? == b"\r\n" {
                return Some((position + 2, content));
            }
            let end = position + find(&data[position..], b"\r\n\r\n")?;
            return Some((end + 4, content));
        }
        content.extend_from_slice(data.get(position..position + size)?);
        position += size + 2;
        if position > data.len() {
            return None;
        }
    }
}

/// Serves one client connection, request after request, until it closes, a fault ends it or
/// the proxy stops.
fn serve(mut client: Connection, shared: &Shared) {
    let stop = || shared.stopped();
    loop {
        let Some(head) = client.head(&stop, None) else {
            return;
        };
        let Some(body) = client.request_body(&head, &stop) else {
            return;
        };
        let method = head.line.split(' ').next().unwrap_or_default().to_owned();
        let path = head.line.split(' ').nth(1).unwrap_or_default();
        let path = path.split('?').next().unwrap_or_default();
        let action = form_action(&body);
        let label = action.clone().unwrap_or_else(|| format!("{method} {path}"));
        let closes = head
            .header("connection")
            .is_some_and(|v| v.eq_ignore_ascii_case("close"));
        let call = (label, head.signing_region());
        let reply = match shared.fault_for(call, &method, action.as_deref(), &body) {
            None => forward(shared, &method, &head, &body),
            Some(Fault::Delay(delay)) => {
                let until = Instant::now() + delay;
                while Instant::now() < until {
                    if stop() {
                        return;
                    }
                    std::thread::sleep(TICK.min(until - Instant::now()));
                }
                forward(shared, &method, &head, &body)
            }
            Some(Fault::Drop) => {
                let _ = client.stream.shutdown(Shutdown::Both);
                return;
            }
            Some(Fault::Reset) => {
                let _ = socket2::SockRef::from(&client.stream).set_linger(Some(Duration::ZERO));
                return;
            }
            Some(Fault::Lose) => {
                forward(shared, &method, &head, &body);
                let _ = client.stream.shutdown(Shutdown::Both);
                return;
            }
            Some(Fault::Status(status)) => error_reply(status, action.is_none()),
            Some(Fault::Throttle) if action.is_none() => xml_reply(
                503,
                "Slow Down",
                "<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message>\
                 <RequestId>kumo-fault-proxy</RequestId></Error>",
            ),
            Some(Fault::Throttle) => xml_reply(400, "Bad Request", THROTTLING),
            Some(Fault::Respond(body)) => xml_reply(200, "OK", body),
            Some(Fault::Page(page)) => format!(
                "HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/html\r\nContent-Length: {}\r\n\r\n{page}",
                page.len()
            )
            .into_bytes(),
            Some(Fault::Cut(text)) => cut(&forward(shared, &method, &head, &body), text),
            Some(Fault::Silence) => {
                while !stop() {
                    std::thread::sleep(TICK);
                }
                return;
            }
        };
        if client.stream.write_all(&reply).is_err() || closes {
            return;
        }
    }
}

/// The `Action=` of a Query-protocol form body.
fn form_action(body: &[u8]) -> Option<String> {
    std::str::from_utf8(body)
        .ok()?
        .split('&')
        .find_map(|pair| pair.strip_prefix("Action="))
        .map(str::to_owned)
}

/// An error reply with `status` and an error body: S3's for a `rest` call, else the Query
/// protocol's.
fn error_reply(status: u16, rest: bool) -> Vec<u8> {
    let (reason, code) = match status {
        500 => ("Internal Server Error", "InternalFailure"),
        503 => ("Service Unavailable", "ServiceUnavailable"),
        _ => ("Injected Fault", "InjectedFault"),
    };
    let error = format!("<Code>{code}</Code><Message>injected by the fault proxy</Message>");
    let body = if rest {
        format!("<Error>{error}<RequestId>kumo-fault-proxy</RequestId></Error>")
    } else {
        format!(
            "<ErrorResponse><Error><Type>Receiver</Type>{error}</Error>\
             <RequestId>kumo-fault-proxy</RequestId></ErrorResponse>"
        )
    };
    xml_reply(status, reason, &body)
}

/// A complete reply with an XML `body`.
fn xml_reply(status: u16, reason: &str, body: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: text/xml\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// Sends a request upstream on a connection of its own and returns the reply to relay, with a
/// `Content-Length`; a 502 when the upstream cannot be reached or does not answer in time.
fn forward(shared: &Shared, method: &str, head: &Head, body: &[u8]) -> Vec<u8> {
    let relayed = exchange(shared, head, body).and_then(|reply| relay(method, &reply));
    relayed.unwrap_or_else(|| error_reply(502, false))
}

/// The upstream's whole reply to one request, read until it closes the connection.
fn exchange(shared: &Shared, head: &Head, body: &[u8]) -> Option<Vec<u8>> {
    let stream = TcpStream::connect_timeout(&shared.upstream, CONNECT_TIMEOUT).ok()?;
    let mut upstream = Connection::new(stream).ok()?;
    let request = head.render(
        &["connection", "keep-alive"],
        &[("Connection", "close".into())],
    );
    upstream.stream.write_all(&request).ok()?;
    upstream.stream.write_all(body).ok()?;
    let deadline = Instant::now() + UPSTREAM_DEADLINE;
    let stop = || shared.stopped();
    while upstream.fill(&stop, Some(deadline)) {
        if upstream.buffer.len() > MAX_HEAD + MAX_BODY {
            return None;
        }
    }
    (!stop() && Instant::now() <= deadline).then_some(upstream.buffer)
}

/// An upstream reply (read to its end) re-framed for a kept-alive client: its body whole, with
/// a `Content-Length` (a reply to HEAD keeps its own and has no body).
fn relay(method: &str, reply: &[u8]) -> Option<Vec<u8>> {
    let end = find(reply, b"\r\n\r\n")?;
    let head = Head::parse(&reply[..end])?;
    let rest = &reply[end + 4..];
    if method == "HEAD" {
        return Some(head.render(&["connection", "keep-alive"], &[]));
    }
    let content = if head.chunked() {
        dechunk(rest)?.1
    } else {
        let length = head.content_length().unwrap_or(rest.len());
        rest.get(..length)?.to_vec()
    };
    let mut out = head.render(
        &[
            "connection",
            "keep-alive",
            "content-length",
            "transfer-encoding",
        ],
        &[("Content-Length", content.len().to_string())],
    );
    out.extend_from_slice(&content);
    Some(out)
}

/// A relayed `reply` (with a `Content-Length`) with its body cut just after the first `text` in
/// it (half-way through when `text` is empty) and its `Content-Length` made to match; whole when
/// its body does not hold `text`.
fn cut(reply: &[u8], text: &str) -> Vec<u8> {
    let Some(end) = find(reply, b"\r\n\r\n") else {
        return reply.to_vec();
    };
    let Some(head) = Head::parse(&reply[..end]) else {
        return reply.to_vec();
    };
    let body = &reply[end + 4..];
    let kept = if text.is_empty() {
        body.len() / 2
    } else {
        match find(body, text.as_bytes()) {
            Some(at) => at + text.len(),
            None => return reply.to_vec(),
        }
    };
    let mut out = head.render(&["content-length"], &[("Content-Length", kept.to_string())]);
    out.extend_from_slice(&body[..kept]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An upstream that answers every request with `200 OK` and `ok:<body>`, closing the
    /// connection as told; it serves until the test ends.
    fn upstream() -> u16 {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
        let port = listener.local_addr().unwrap().port();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { return };
                let mut connection = Connection::new(stream).unwrap();
                let never = || false;
                let Some(head) = connection.head(&never, None) else {
                    continue;
                };
                let body = connection.request_body(&head, &never).unwrap();
                assert_eq!(head.header("connection"), Some("close"));
                let reply = format!("ok:{}", String::from_utf8_lossy(&body));
                // Chunked, to check the proxy re-frames it.
                let _ = write!(
                    connection.stream,
                    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n{:x}\r\n{reply}\r\n0\r\n\r\n",
                    reply.len()
                );
            }
        });
        port
    }

    /// A plain HTTP/1.1 client on one kept-alive connection to `proxy`.
    struct Client {
        stream: TcpStream,
        buffer: Vec<u8>,
    }

    /// How an exchange without a reply ended.
    #[derive(Debug, PartialEq, Eq)]
    enum Ending {
        /// The proxy closed the connection.
        Closed,
        /// The proxy reset it.
        Reset,
        /// It is still open, with nothing to read.
        Open,
    }

    impl Client {
        fn new(proxy: &FaultProxy) -> Client {
            let stream = TcpStream::connect((Ipv4Addr::LOCALHOST, proxy.port())).unwrap();
            stream.set_read_timeout(Some(TICK)).unwrap();
            Client {
                stream,
                buffer: Vec::new(),
            }
        }

        /// Posts a form body and returns the status and body of the reply, or how the
        /// exchange ended without one within `wait`.
        fn post(&mut self, body: &str, wait: Duration) -> Result<(u16, String), Ending> {
            write!(
                self.stream,
                "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            )
            .unwrap();
            self.reply(wait)
        }

        /// The next reply (with a `Content-Length`), or how the exchange ended without one
        /// within `wait`.
        fn reply(&mut self, wait: Duration) -> Result<(u16, String), Ending> {
            let deadline = Instant::now() + wait;
            loop {
                let text = String::from_utf8_lossy(&self.buffer).into_owned();
                if let Some((head, body)) = text.split_once("\r\n\r\n") {
                    let length: usize = head
                        .lines()
                        .find_map(|l| l.strip_prefix("Content-Length: "))
                        .unwrap()
                        .parse()
                        .unwrap();
                    if body.len() >= length {
                        self.buffer.drain(..head.len() + 4 + length);
                        let status = head.split(' ').nth(1).unwrap().parse().unwrap();
                        return Ok((status, body[..length].to_owned()));
                    }
                }
                if Instant::now() > deadline {
                    return Err(Ending::Open);
                }
                let mut chunk = [0; 4096];
                match self.stream.read(&mut chunk) {
                    Ok(0) => return Err(Ending::Closed),
                    Ok(n) => self.buffer.extend_from_slice(&chunk[..n]),
                    Err(err) if err.kind() == ErrorKind::ConnectionReset => {
                        return Err(Ending::Reset)
                    }
                    Err(err)
                        if matches!(err.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
                    Err(err) => panic!("{err}"),
                }
            }
        }
    }

    const SECOND: Duration = Duration::from_secs(1);

    #[test]
    fn forwards_on_a_kept_alive_connection_and_records_the_calls() {
        let proxy = FaultProxy::start(upstream(), vec![]).unwrap();
        let mut client = Client::new(&proxy);
        for action in ["DescribeStacks", "CreateChangeSet"] {
            let body = format!("Action={action}&Version=2010-05-15");
            assert_eq!(client.post(&body, SECOND), Ok((200, format!("ok:{body}"))));
        }
        assert_eq!(proxy.calls(), ["DescribeStacks", "CreateChangeSet"]);
    }

    #[test]
    fn a_signed_call_is_recorded_with_its_region() {
        let signed = b"POST / HTTP/1.1\r\nAuthorization: AWS4-HMAC-SHA256 Credential=testing/20261206/eu-west-1/cloudformation/aws4_request, SignedHeaders=host, Signature=00\r\n";
        let head = Head::parse(signed).unwrap();
        assert_eq!(head.signing_region().as_deref(), Some("eu-west-1"));
        let unsigned = Head::parse(b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\n").unwrap();
        assert_eq!(unsigned.signing_region(), None);
    }

    #[test]
    fn status_and_throttling_answer_instead_of_the_upstream() {
        let rules = vec![
            Rule::nth(Call::Action("CreateChangeSet"), 2, Fault::Throttle),
            Rule::nth(Call::Any, 2, Fault::Status(503)),
            Rule::every(Call::Action("ExecuteChangeSet"), Fault::Status(500)),
        ];
        let proxy = FaultProxy::start(upstream(), rules).unwrap();
        let mut client = Client::new(&proxy);
        let mut post = |action: &str| client.post(&format!("Action={action}"), SECOND).unwrap();
        assert_eq!(post("CreateChangeSet").0, 200);
        let (status, body) = post("DescribeStacks");
        assert_eq!(status, 503);
        assert!(body.contains("<Code>ServiceUnavailable</Code>"), "{body}");
        assert_eq!(post("CreateChangeSet"), (400, THROTTLING.to_owned()));
        let (status, body) = post("ExecuteChangeSet");
        assert_eq!(status, 500);
        assert!(body.contains("<Code>InternalFailure</Code>"), "{body}");
        assert_eq!(post("ExecuteChangeSet").0, 500);
        assert_eq!(post("DescribeStacks").0, 200);
        assert_eq!(proxy.calls().len(), 6);
    }

    #[test]
    fn a_body_match_answers_with_the_canned_reply_and_leaves_the_others() {
        const REPLY: &str = "<DescribeChangeSetResponse>canned</DescribeChangeSetResponse>";
        let rules = vec![
            Rule::every(
                Call::ActionWith("DescribeChangeSet", "StackName=shop-dev"),
                Fault::Respond(REPLY),
            ),
            Rule::every(Call::ActionWith("DescribeStacks", ""), Fault::Status(500)),
        ];
        let proxy = FaultProxy::start(upstream(), rules).unwrap();
        let mut client = Client::new(&proxy);
        let mut post = |body: &str| client.post(body, SECOND).unwrap();
        let ours = "Action=DescribeChangeSet&StackName=shop-dev&ChangeSetName=x";
        assert_eq!(post(ours), (200, REPLY.to_owned()));
        let theirs = "Action=DescribeChangeSet&StackName=shop-prod&ChangeSetName=x";
        assert_eq!(post(theirs), (200, format!("ok:{theirs}")));
        assert_eq!(post("StackName=shop-dev&Action=ListStacks").0, 200);
        assert_eq!(post("Action=DescribeStacks").0, 500);
        assert_eq!(proxy.calls().len(), 4);
    }

    #[test]
    fn a_cut_reply_ends_after_its_text_with_a_matching_length() {
        let rules = vec![
            Rule::nth(Call::Any, 1, Fault::Cut("&Stack")),
            Rule::nth(Call::Any, 2, Fault::Cut("")),
            Rule::nth(Call::Any, 3, Fault::Cut("absent")),
        ];
        let proxy = FaultProxy::start(upstream(), rules).unwrap();
        let mut client = Client::new(&proxy);
        let body = "Action=DescribeStacks&StackName=shop-dev";
        // `ok:` and the body: 43 bytes, of which 21 are kept half-way.
        let mut post = || client.post(body, SECOND).unwrap();
        assert_eq!(post(), (200, "ok:Action=DescribeStacks&Stack".to_owned()));
        assert_eq!(post(), (200, "ok:Action=DescribeSta".to_owned()));
        assert_eq!(post(), (200, format!("ok:{body}")));
        assert_eq!(post(), (200, format!("ok:{body}")));
        assert_eq!(proxy.calls().len(), 4);
    }

    #[test]
    fn drop_closes_and_reset_resets_the_connection() {
        let rules = vec![
            Rule::nth(Call::Action("ExecuteChangeSet"), 1, Fault::Drop),
            Rule::nth(Call::Action("DescribeStacks"), 1, Fault::Reset),
        ];
        let proxy = FaultProxy::start(upstream(), rules).unwrap();
        let mut client = Client::new(&proxy);
        assert_eq!(
            client.post("Action=ExecuteChangeSet", SECOND),
            Err(Ending::Closed)
        );
        let mut client = Client::new(&proxy);
        assert_eq!(
            client.post("Action=DescribeStacks", SECOND),
            Err(Ending::Reset)
        );
        let mut client = Client::new(&proxy);
        assert_eq!(client.post("Action=DescribeStacks", SECOND).unwrap().0, 200);
    }

    #[test]
    fn delay_forwards_late_and_silence_never_answers_until_dropped() {
        let rules = vec![
            Rule::nth(Call::Any, 1, Fault::Delay(Duration::from_millis(300))),
            Rule::nth(Call::Any, 2, Fault::Silence),
        ];
        let proxy = FaultProxy::start(upstream(), rules).unwrap();
        let mut client = Client::new(&proxy);
        let started = Instant::now();
        assert_eq!(client.post("Action=A", SECOND).unwrap().0, 200);
        assert!(started.elapsed() >= Duration::from_millis(300));
        let mut silent = Client::new(&proxy);
        let quiet = Duration::from_millis(500);
        assert_eq!(silent.post("Action=B", quiet), Err(Ending::Open));
        let started = Instant::now();
        drop(proxy);
        assert!(started.elapsed() < SECOND, "{:?}", started.elapsed());
        assert_eq!(silent.reply(SECOND), Err(Ending::Closed));
    }

    #[test]
    fn rest_calls_are_matched_by_method_and_answered_as_s3() {
        let rules = vec![
            Rule::every(Call::S3("PUT"), Fault::Status(500)),
            Rule::every(Call::S3("DELETE"), Fault::Throttle),
        ];
        let proxy = FaultProxy::start(upstream(), rules).unwrap();
        let mut client = Client::new(&proxy);
        write!(
            client.stream,
            "PUT /bucket/key?x=1 HTTP/1.1\r\nContent-Length: 4\r\n\r\ndata"
        )
        .unwrap();
        let (status, body) = client.reply(SECOND).unwrap();
        assert_eq!(status, 500);
        assert!(
            body.starts_with("<Error><Code>InternalFailure</Code>"),
            "{body}"
        );
        write!(client.stream, "DELETE /bucket/key HTTP/1.1\r\n\r\n").unwrap();
        let (status, body) = client.reply(SECOND).unwrap();
        assert_eq!(status, 503);
        assert!(body.starts_with("<Error><Code>SlowDown</Code>"), "{body}");
        write!(
            client.stream,
            "GET /bucket HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n0\r\n\r\n"
        )
        .unwrap();
        assert_eq!(
            client.reply(SECOND),
            Ok((200, "ok:2\r\nab\r\n0\r\n\r\n".to_owned()))
        );
        assert_eq!(
            proxy.calls(),
            ["PUT /bucket/key", "DELETE /bucket/key", "GET /bucket"]
        );
    }

    #[test]
    fn an_unreachable_upstream_is_a_502() {
        let closed = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let proxy = FaultProxy::start(closed, vec![]).unwrap();
        assert_eq!(Client::new(&proxy).post("Action=A", SECOND).unwrap().0, 502);
    }

    #[test]
    fn chunked_bodies_are_complete_only_with_their_last_chunk() {
        assert_eq!(
            dechunk(b"3\r\nabc\r\n0\r\n\r\nrest"),
            Some((13, b"abc".to_vec()))
        );
        assert_eq!(
            dechunk(b"3;x=y\r\nabc\r\n0\r\nT: v\r\n\r\n"),
            Some((23, b"abc".to_vec()))
        );
        assert_eq!(dechunk(b"3\r\nabc\r\n"), None);
        assert_eq!(dechunk(b"zz\r\n"), None);
    }
}
