//! The HTTP of the model-server clients: plain HTTP (servers on the LAN), JSON
//! in and out, every failure a sentence naming the server.

use crate::infer::InferError;
use serde_json::Value;
use std::time::Duration;

/// Answers larger than this are refused (a server sending a video by mistake).
const MAX_ANSWER: u64 = 64 << 20;

pub struct Http {
    agent: ureq::Agent,
    base: String,
    timeout: Duration,
}

impl Http {
    /// A client of the server at `url` (`http://host:port`, a trailing `/` allowed).
    pub fn new(url: &str, timeout: Duration) -> Result<Self, InferError> {
        let base = url.trim().trim_end_matches('/').to_owned();
        let err = |detail: &str| InferError::Server {
            url: base.clone(),
            detail: detail.to_owned(),
        };
        if base.starts_with("https://") {
            return Err(err(
                "only plain http:// is supported for model servers (they run on the local \
                 network); put an https server behind an http address or use http",
            ));
        }
        if !base.starts_with("http://") || base.len() <= "http://".len() {
            return Err(err("not a server address: give it as http://host:port"));
        }
        let config = ureq::Agent::config_builder()
            .timeout_global(Some(timeout))
            .http_status_as_error(false)
            .build();
        Ok(Http {
            agent: config.into(),
            base,
            timeout,
        })
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn failure(&self, path: &str, e: ureq::Error) -> InferError {
        let detail = match e {
            ureq::Error::Timeout(_) => format!(
                "no answer within {} s; the server may be busy or stuck (raise the timeout if the model is slow)",
                self.timeout.as_secs_f32()
            ),
            ureq::Error::HostNotFound => "host not found: check the address".to_owned(),
            ureq::Error::ConnectionFailed => {
                "cannot connect: is the server running at this address?".to_owned()
            }
            ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused => {
                "connection refused: is the server running at this address?".to_owned()
            }
            ureq::Error::Io(io)
                if matches!(
                    io.kind(),
                    std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock
                ) =>
            {
                format!("no answer within {} s", self.timeout.as_secs_f32())
            }
            ureq::Error::BodyExceedsLimit(_) => {
                format!("answer larger than {} MiB", MAX_ANSWER >> 20)
            }
            other => other.to_string(),
        };
        InferError::Server {
            url: self.url(path),
            detail,
        }
    }

    fn answer(
        &self,
        path: &str,
        response: Result<ureq::http::Response<ureq::Body>, ureq::Error>,
    ) -> Result<Value, InferError> {
        let mut response = response.map_err(|e| self.failure(path, e))?;
        let status = response.status();
        let body = response
            .body_mut()
            .with_config()
            .limit(MAX_ANSWER)
            .read_to_string()
            .map_err(|e| self.failure(path, e))?;
        let err = |detail: String| InferError::Server {
            url: self.url(path),
            detail,
        };
        if !status.is_success() {
            return Err(err(format!(
                "answered HTTP {}: {}",
                status.as_u16(),
                snippet(&body)
            )));
        }
        serde_json::from_str(&body).map_err(|_| {
            err(format!(
                "answered something that is not JSON: {}",
                snippet(&body)
            ))
        })
    }

    pub fn get_json(&self, path: &str, headers: &[(&str, &str)]) -> Result<Value, InferError> {
        let mut request = self.agent.get(self.url(path));
        for (k, v) in headers {
            request = request.header(*k, *v);
        }
        self.answer(path, request.call())
    }

    pub fn post_json(
        &self,
        path: &str,
        headers: &[(&str, &str)],
        body: &Value,
    ) -> Result<Value, InferError> {
        let mut request = self
            .agent
            .post(self.url(path))
            .header("Content-Type", "application/json");
        for (k, v) in headers {
            request = request.header(*k, *v);
        }
        let bytes = serde_json::to_vec(body).map_err(|e| InferError::Server {
            url: self.url(path),
            detail: e.to_string(),
        })?;
        self.answer(path, request.send(&bytes[..]))
    }
}

/// The start of an answer, for messages: one line, at most 200 characters.
fn snippet(body: &str) -> String {
    let one_line: String = body
        .trim()
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(200)
        .collect();
    if one_line.is_empty() {
        "(empty)".to_owned()
    } else {
        one_line
    }
}
