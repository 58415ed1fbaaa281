//! A virtual user's browser: one address it comes from, its own cookies
//! (session and device), requests over a shared pool of kept-alive connections.

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::{Method, Request};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use std::time::{Duration, Instant};

pub type Http = Client<HttpConnector, Full<Bytes>>;

pub fn http() -> Http {
    Client::builder(TokioExecutor::new())
        .pool_max_idle_per_host(512)
        .build_http()
}

pub enum Body {
    /// A server function's default encoding (`a=1&b=2`).
    Form(String),
    Json(serde_json::Value),
}

pub struct Browser {
    http: Http,
    /// `http://127.0.0.1:port` of each app server; requests go round-robin,
    /// so a session made on one server is used on the others.
    servers: Vec<String>,
    next: usize,
    /// Sent as `X-Forwarded-For`: the servers trust loopback as their proxy.
    ip: String,
    cookies: Vec<(String, String)>,
}

impl Browser {
    pub fn new(http: Http, servers: Vec<String>, first: usize, ip: String) -> Browser {
        Browser {
            http,
            next: first % servers.len(),
            servers,
            ip,
            cookies: Vec::new(),
        }
    }

    /// A new person on the same machine: no cookies.
    pub fn forget_cookies(&mut self) {
        self.cookies.clear();
    }

    /// POSTs to server function `name`; answers the time taken and the body,
    /// or why it failed (status and the start of the body).
    pub async fn call(&mut self, name: &str, body: Body) -> (Duration, Result<String, String>) {
        let (content_type, bytes) = match body {
            Body::Form(text) => ("application/x-www-form-urlencoded", text.into_bytes()),
            Body::Json(value) => ("application/json", value.to_string().into_bytes()),
        };
        self.send(
            Method::POST,
            &format!("/api/{name}"),
            Some((content_type, bytes)),
        )
        .await
    }

    pub async fn get(&mut self, path: &str) -> (Duration, Result<String, String>) {
        self.send(Method::GET, path, None).await
    }

    /// Sends to the next server; where one refuses the connection (it is
    /// down), to the one after, as a load balancer would.
    async fn send(
        &mut self,
        method: Method,
        path: &str,
        body: Option<(&str, Vec<u8>)>,
    ) -> (Duration, Result<String, String>) {
        let started = Instant::now();
        let mut refused = String::new();
        for _ in 0..self.servers.len() {
            let server = self.servers[self.next].clone();
            self.next = (self.next + 1) % self.servers.len();
            let request = self.request(method.clone(), &format!("{server}{path}"), body.as_ref());
            match self.http.request(request).await {
                Ok(response) => return (started.elapsed(), self.read(response).await),
                Err(e) if e.is_connect() => refused = format!("{server} refused: {e}"),
                Err(e) => return (started.elapsed(), Err(e.to_string())),
            }
        }
        (started.elapsed(), Err(refused))
    }

    fn request(
        &self,
        method: Method,
        uri: &str,
        body: Option<&(&str, Vec<u8>)>,
    ) -> Request<Full<Bytes>> {
        let mut request = Request::builder()
            .method(method.clone())
            .uri(uri)
            // A page asks for HTML; a server function called without it
            // (as the hydrated app calls it) answers with data, not a redirect.
            .header(
                "accept",
                if method == Method::GET {
                    "text/html"
                } else {
                    "application/json"
                },
            )
            .header("x-forwarded-for", &self.ip);
        if !self.cookies.is_empty() {
            let jar: Vec<String> = self
                .cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            request = request.header("cookie", jar.join("; "));
        }
        let bytes = match body {
            Some((content_type, bytes)) => {
                request = request.header("content-type", *content_type);
                bytes.clone()
            }
            None => Vec::new(),
        };
        request
            .body(Full::new(Bytes::from(bytes)))
            .expect("a well-formed request")
    }

    async fn read(
        &mut self,
        response: hyper::Response<hyper::body::Incoming>,
    ) -> Result<String, String> {
        let status = response.status();
        for value in response.headers().get_all("set-cookie") {
            self.keep_cookie(value.to_str().unwrap_or_default());
        }
        let body = response
            .into_body()
            .collect()
            .await
            .map_err(|e| e.to_string())?
            .to_bytes();
        let text = String::from_utf8_lossy(&body).into_owned();
        if status.is_success() {
            Ok(text)
        } else {
            Err(format!(
                "{status}: {}",
                text.chars().take(160).collect::<String>()
            ))
        }
    }

    fn keep_cookie(&mut self, header: &str) {
        let pair = header.split(';').next().unwrap_or_default();
        let Some((name, value)) = pair.split_once('=') else {
            return;
        };
        let gone = value.is_empty() || header.to_ascii_lowercase().contains("max-age=0");
        self.cookies.retain(|(k, _)| k != name.trim());
        if !gone {
            self.cookies
                .push((name.trim().to_owned(), value.trim().to_owned()));
        }
    }
}

/// `a=1&b=2` with each value percent-encoded.
pub fn form(fields: &[(&str, &str)]) -> Body {
    Body::Form(
        fields
            .iter()
            .map(|(k, v)| format!("{}={}", shared::url::encode(k), shared::url::encode(v)))
            .collect::<Vec<_>>()
            .join("&"),
    )
}
