//! A real S3-protocol server for the storage tests: one `moto_server` per test binary, on a
//! free loopback port, and a fresh bucket per test. moto ends with the test binary: its
//! wrapper shell kills it once its parent, this process, is gone.
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

struct Moto {
    endpoint: String,
    /// The wrapper shell; kept (never waited for) since it outlives every test.
    _wrapper: Mutex<Child>,
}

static MOTO: OnceLock<Moto> = OnceLock::new();

/// `http://127.0.0.1:<port>` of the binary's moto server, started on first use.
pub fn endpoint() -> &'static str {
    &MOTO.get_or_init(start).endpoint
}

fn start() -> Moto {
    let found = Command::new("sh")
        .args(["-c", "command -v moto_server"])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|status| status.success());
    assert!(
        found,
        "moto_server is missing: pip install 'moto[server]' (scripts/test-all.sh does)"
    );
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port();
    let wrapper = Command::new("sh")
        .args([
            "-c",
            "moto_server -H 127.0.0.1 -p \"$1\" >/dev/null 2>&1 & moto=$!; \
             while kill -0 \"$PPID\" 2>/dev/null; do sleep 1; done; kill \"$moto\"",
            "moto-wrapper",
            &port.to_string(),
        ])
        .stdin(Stdio::null())
        .spawn()
        .expect("start moto_server");
    let started = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "moto_server did not answer on port {port} within a minute"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    Moto {
        endpoint: format!("http://127.0.0.1:{port}"),
        _wrapper: Mutex::new(wrapper),
    }
}

/// A new empty bucket of the moto server, for one test.
pub struct Bucket {
    pub name: String,
}

impl Bucket {
    pub async fn create() -> Self {
        let name = format!("guichet-{}", uuid::Uuid::new_v4().simple());
        // moto takes unsigned requests; object_store cannot create buckets.
        let created = reqwest::Client::new()
            .put(format!("{}/{name}", endpoint()))
            .send()
            .await
            .expect("moto answers");
        assert!(
            created.status().is_success(),
            "bucket: {}",
            created.status()
        );
        Self { name }
    }

    /// The settings of an app storing its files in this bucket under `attachments/`.
    pub fn settings(&self) -> Vec<(&'static str, String)> {
        let mut settings = aws_settings();
        settings.push((
            "GUICHET_STORAGE_URL",
            format!("s3://{}/attachments", self.name),
        ));
        settings
    }

    /// The keys of the objects in the bucket.
    pub async fn keys(&self) -> Vec<String> {
        self.xml_values(&format!("{}/{}?list-type=2", endpoint(), self.name), "Key")
            .await
    }

    /// The ids of the multipart uploads begun and neither completed nor aborted.
    pub async fn pending_uploads(&self) -> Vec<String> {
        self.xml_values(&format!("{}/{}?uploads", endpoint(), self.name), "UploadId")
            .await
    }

    pub async fn object(&self, key: &str) -> Vec<u8> {
        reqwest::get(format!("{}/{}/{key}", endpoint(), self.name))
            .await
            .expect("moto answers")
            .error_for_status()
            .expect("the object")
            .bytes()
            .await
            .expect("its bytes")
            .to_vec()
    }

    async fn xml_values(&self, url: &str, element: &str) -> Vec<String> {
        let text = reqwest::get(url)
            .await
            .expect("moto answers")
            .error_for_status()
            .expect("a listing")
            .text()
            .await
            .expect("its text");
        let (open, close) = (format!("<{element}>"), format!("</{element}>"));
        text.split(open.as_str())
            .skip(1)
            .filter_map(|rest| {
                rest.split_once(close.as_str())
                    .map(|(value, _)| value.to_owned())
            })
            .collect()
    }
}

/// The AWS variables that reach the moto server.
pub fn aws_settings() -> Vec<(&'static str, String)> {
    vec![
        ("AWS_ENDPOINT_URL", endpoint().to_owned()),
        ("AWS_ALLOW_HTTP", "true".to_owned()),
        ("AWS_REGION", "us-east-1".to_owned()),
        ("AWS_ACCESS_KEY_ID", "guichet-test".to_owned()),
        ("AWS_SECRET_ACCESS_KEY", "guichet-test-secret".to_owned()),
    ]
}
