//! The HTTP side of the RPC (Solana's port): JSON-RPC over POST, `GET /health`, on a few
//! worker threads that hand each call to the chain thread.
use crate::chain::ChainHandle;
use crate::rpc::envelope::handle_body;
use std::io::Read;
use std::sync::Arc;
use std::thread::JoinHandle;
use tiny_http::{Header, Method, Response, Server};

/// Agave's `MAX_REQUEST_BODY_SIZE` is 50 KiB; a little more room for local batch tools.
pub const MAX_REQUEST_BODY_SIZE: usize = 1 << 20;

pub struct HttpServer {
    server: Arc<Server>,
    workers: Vec<JoinHandle<()>>,
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("static header")
}

fn json_response(body: String, status: u16) -> Response<std::io::Cursor<Vec<u8>>> {
    Response::from_string(body)
        .with_status_code(status)
        .with_header(header("Content-Type", "application/json"))
        .with_header(header("Access-Control-Allow-Origin", "*"))
}

fn handle(mut request: tiny_http::Request, chain: &ChainHandle) {
    let response = match (request.method(), request.url()) {
        (Method::Get, "/health") => Response::from_string("ok").with_status_code(200),
        (Method::Options, _) => Response::from_string("")
            .with_header(header("Access-Control-Allow-Origin", "*"))
            .with_header(header("Access-Control-Allow-Methods", "POST, GET, OPTIONS"))
            .with_header(header("Access-Control-Allow-Headers", "Content-Type, solana-client"))
            .with_status_code(200),
        (Method::Post, _) => {
            let mut body = Vec::new();
            let read = request.as_reader().take(MAX_REQUEST_BODY_SIZE as u64 + 1).read_to_end(&mut body);
            if read.is_err() {
                Response::from_string("cannot read the request body").with_status_code(400)
            } else if body.len() > MAX_REQUEST_BODY_SIZE {
                Response::from_string("Payload Too Large").with_status_code(413)
            } else {
                match handle_body(&body, |method, params| chain.call_blocking(method, params)) {
                    Some(answer) => json_response(answer.to_string(), 200),
                    None => json_response(String::new(), 200),
                }
            }
        }
        _ => Response::from_string("Method Not Allowed").with_status_code(405),
    };
    let _ = request.respond(response);
}

impl HttpServer {
    pub fn start(listener: std::net::TcpListener, chain: ChainHandle, workers: usize) -> std::io::Result<Self> {
        let server = Arc::new(Server::from_listener(listener, None).map_err(std::io::Error::other)?);
        let workers = (0..workers)
            .map(|i| {
                let (server, chain) = (server.clone(), chain.clone());
                std::thread::Builder::new().name(format!("synkti-http-{i}")).spawn(move || {
                    while let Ok(request) = server.recv() {
                        handle(request, &chain);
                    }
                })
            })
            .collect::<std::io::Result<Vec<_>>>()?;
        Ok(Self { server, workers })
    }

    /// Wakes every worker and waits for them to finish their current request.
    pub fn stop(self) {
        for _ in &self.workers {
            self.server.unblock();
        }
        for worker in self.workers {
            let _ = worker.join();
        }
    }
}
