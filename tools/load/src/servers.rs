//! The release app servers under load: started as the product is run, on
//! loopback ports, all on one database; their memory read from /proc.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub struct Servers {
    setting: Setting,
    children: Vec<Child>,
    pub urls: Vec<String>,
}

#[derive(Clone)]
pub struct Setting {
    pub binary: PathBuf,
    pub site_root: PathBuf,
    pub data_dir: PathBuf,
    pub database_url: String,
    pub audit_key: String,
    pub smtp_url: String,
}

impl Servers {
    /// `count` servers, on the `ports` given.
    pub fn start(setting: Setting, ports: &[u16]) -> Servers {
        let mut servers = Servers {
            setting,
            children: Vec::new(),
            urls: Vec::new(),
        };
        for (n, &port) in ports.iter().enumerate() {
            let child = servers.spawn(n, port);
            servers.children.push(child);
            servers.urls.push(format!("http://127.0.0.1:{port}"));
        }
        servers
    }

    fn spawn(&self, n: usize, port: u16) -> Child {
        let setting = &self.setting;
        let data_dir = setting.data_dir.join(format!("server{n}"));
        std::fs::create_dir_all(&data_dir).expect("data directory");
        Command::new(&setting.binary)
            .env("DATABASE_URL", &setting.database_url)
            .env("CAREKEYS_DATA_DIR", &data_dir)
            .env("CAREKEYS_AUDIT_KEY", &setting.audit_key)
            .env("CAREKEYS_SMTP_URL", &setting.smtp_url)
            .env("CAREKEYS_TRUSTED_PROXIES", "127.0.0.1")
            .env("CAREKEYS_INVITATIONS_PER_DAY", "100000000")
            .env("CAREKEYS_BASE_URL", format!("http://127.0.0.1:{port}"))
            .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
            .env("LEPTOS_SITE_ROOT", &setting.site_root)
            .env("LEPTOS_ENV", "PROD")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", setting.binary.display()))
    }

    /// SIGKILL: no shutdown, no flushing, as when a machine dies.
    pub fn kill(&mut self, n: usize) {
        let _ = self.children[n].kill();
        let _ = self.children[n].wait();
    }

    /// Starts server `n` again on its port and data.
    pub fn restart(&mut self, n: usize) {
        let port = self.urls[n]
            .rsplit(':')
            .next()
            .and_then(|p| p.parse().ok())
            .expect("port");
        self.children[n] = self.spawn(n, port);
    }

    /// Waits until every server answers /health (each tries for 30 s).
    pub async fn ready(&self, http: &crate::client::Http) {
        for n in 0..self.urls.len() {
            self.ready_one(http, n).await;
        }
    }

    pub async fn ready_one(&self, http: &crate::client::Http, n: usize) {
        {
            let url = &self.urls[n];
            let health: hyper::Uri = format!("{url}/health").parse().expect("uri");
            let mut up = false;
            for _ in 0..300 {
                if let Ok(response) = http.get(health.clone()).await {
                    if response.status().is_success() {
                        up = true;
                        break;
                    }
                }
                // Polling a process that is starting: nothing to wait on but time.
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            assert!(up, "{url} did not come up in 30 s");
        }
    }

    pub fn pids(&self) -> Vec<u32> {
        self.children.iter().map(Child::id).collect()
    }

    pub fn stop(mut self) {
        for child in &mut self.children {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// `VmRSS` (now) and `VmHWM` (the peak) of a process, in MB.
pub fn memory_mb(pid: u32) -> (f64, f64) {
    let status = std::fs::read_to_string(Path::new("/proc").join(pid.to_string()).join("status"))
        .unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<f64>().ok())
            .map_or(0.0, |kb| kb / 1024.0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// Each server's RSS, sampled every 50 ms for its peak.
#[derive(Clone)]
pub struct Memory {
    pids: Arc<Mutex<Vec<u32>>>,
    peak: Arc<Mutex<Vec<f64>>>,
}

impl Memory {
    pub fn watch(pids: Vec<u32>) -> Memory {
        let memory = Memory {
            peak: Arc::new(Mutex::new(vec![0.0; pids.len()])),
            pids: Arc::new(Mutex::new(pids)),
        };
        let watched = memory.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_millis(50));
            loop {
                tick.tick().await;
                let pids = watched.pids.lock().expect("not poisoned").clone();
                let mut peak = watched.peak.lock().expect("not poisoned");
                for (slot, pid) in peak.iter_mut().zip(pids) {
                    *slot = slot.max(memory_mb(pid).0);
                }
            }
        });
        memory
    }

    /// Server `n` was started again as `pid`.
    pub fn replace(&self, n: usize, pid: u32) {
        self.pids.lock().expect("not poisoned")[n] = pid;
    }

    pub fn now(&self) -> String {
        let pids = self.pids.lock().expect("not poisoned").clone();
        pids.iter()
            .map(|p| format!("{:.1} MB", memory_mb(*p).0))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The sampled peak and the kernel's high-water mark (VmHWM) of each server.
    pub fn peak(&self) -> String {
        let pids = self.pids.lock().expect("not poisoned").clone();
        let peak = self.peak.lock().expect("not poisoned");
        pids.iter()
            .zip(peak.iter())
            .map(|(p, sampled)| format!("{sampled:.1} MB sampled, {:.1} MB VmHWM", memory_mb(*p).1))
            .collect::<Vec<_>>()
            .join("; ")
    }
}
