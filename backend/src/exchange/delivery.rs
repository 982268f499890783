//! The delivery loop of `vanban serve`: every `poll`, lease the due outbox rows, send each through its peer's
//! transport, and mark it delivered on acknowledgement or schedule the next attempt with exponential backoff and
//! jitter; then read the folder peers' `in` directories. Any number of instances may run it on one database:
//! the lease (`Store::lease_due_packets`) gives each row to one sender at a time.

use std::sync::Arc;
use std::time::Duration;

use tokio::io::AsyncReadExt;

use super::transport::{self, SendError};
use crate::blob::BlobStore;
use crate::store::Store;
use crate::store::exchange::OutboxItem;

/// How often and how patiently packets are sent.
#[derive(Debug, Clone, Copy)]
pub struct DeliveryPolicy {
    /// How often the outbox is looked at.
    pub poll: Duration,
    /// The wait after the first failure; doubled after each further one, up to `max_backoff_ms`.
    pub base_backoff_ms: i64,
    pub max_backoff_ms: i64,
    /// How long a leased row is this sender's: another instance takes it over after that (a sender killed
    /// mid-send leaves its rows leased). An attempt is abandoned at half of it.
    pub lease_ms: i64,
    /// How many packets one instance sends at once.
    pub concurrency: usize,
}

impl Default for DeliveryPolicy {
    fn default() -> Self {
        Self {
            poll: Duration::from_secs(2),
            base_backoff_ms: 5_000,
            // A peer down for a day is tried again at least hourly.
            max_backoff_ms: 3_600_000,
            lease_ms: 120_000,
            concurrency: 4,
        }
    }
}

impl DeliveryPolicy {
    /// The wait before attempt `attempts + 1`: the doubled delay, of which a random half is waited ("equal
    /// jitter"), so instances and rows that failed together do not retry together.
    pub fn backoff_ms(&self, attempts: i64) -> i64 {
        let exp = self
            .base_backoff_ms
            .saturating_mul(1_i64 << attempts.clamp(0, 30))
            .min(self.max_backoff_ms);
        let mut r = [0u8; 4];
        let random = match getrandom::fill(&mut r) {
            Ok(()) => i64::from(u32::from_le_bytes(r)),
            Err(_) => 0,
        };
        exp / 2 + random % (exp / 2 + 1)
    }
}

/// What the loop needs from the server.
#[derive(Clone)]
pub struct Exchange {
    pub store: Arc<Store>,
    pub blobs: Arc<dyn BlobStore>,
    pub trust_anchors: Arc<Vec<String>>,
    pub policy: DeliveryPolicy,
}

/// Runs until the process ends.
pub async fn run(exchange: Exchange) {
    loop {
        match deliver_due(&exchange).await {
            Ok(0) => {}
            Ok(n) => tracing::debug!(sent = n, "exchange packets delivered"),
            Err(e) => tracing::warn!(error = %e, "exchange delivery pass failed"),
        }
        if let Err(e) = import_folders(&exchange).await {
            tracing::warn!(error = %e, "exchange folder import failed");
        }
        tokio::time::sleep(exchange.policy.poll).await;
    }
}

/// One pass: sends every due row (`concurrency` at a time, leased 16 at a time); returns how many were delivered.
pub async fn deliver_due(exchange: &Exchange) -> anyhow::Result<usize> {
    use futures_util::StreamExt;
    let mut delivered = 0;
    loop {
        let items = exchange
            .store
            .lease_due_packets(crate::store::now_ms(), 16, exchange.policy.lease_ms)
            .await?;
        if items.is_empty() {
            return Ok(delivered);
        }
        let mut sends = futures_util::stream::iter(items)
            .map(|item| send_one(exchange, item))
            .buffer_unordered(exchange.policy.concurrency.max(1));
        while let Some(sent) = sends.next().await {
            delivered += usize::from(sent?);
        }
    }
}

/// Sends one leased row and records the outcome; `true` when the peer acknowledged it.
async fn send_one(exchange: &Exchange, item: OutboxItem) -> anyhow::Result<bool> {
    let limit = Duration::from_millis((exchange.policy.lease_ms / 2).max(1) as u64);
    let attempt = async {
        match packet_bytes(exchange, &item).await {
            Ok(bytes) => {
                transport::for_kind(&item.peer.kind)
                    .send(&item.peer.endpoint(), &bytes)
                    .await
            }
            Err(e) => Err(SendError::Retry(format!("Không dựng được gói tin: {e}"))),
        }
    };
    let outcome = tokio::time::timeout(limit, attempt)
        .await
        .unwrap_or_else(|_| {
            Err(SendError::Retry(format!(
                "{} không trả lời trong {} giây.",
                item.peer.name,
                limit.as_secs()
            )))
        });
    match outcome {
        Ok(()) => {
            exchange.store.packet_delivered(&item).await?;
            Ok(true)
        }
        Err(SendError::Retry(e)) => {
            let at = crate::store::now_ms() + exchange.policy.backoff_ms(item.attempts);
            tracing::info!(id = item.id, peer = %item.peer.name, error = %e, "exchange packet will be retried");
            exchange.store.packet_failed(item.id, &e, Some(at)).await?;
            Ok(false)
        }
        Err(SendError::Refused(e)) => {
            tracing::warn!(id = item.id, peer = %item.peer.name, error = %e, "exchange packet refused");
            exchange.store.packet_failed(item.id, &e, None).await?;
            Ok(false)
        }
    }
}

/// The bytes of a row's packet: a status packet as written; a document packet built from the issued files.
async fn packet_bytes(exchange: &Exchange, item: &OutboxItem) -> anyhow::Result<Vec<u8>> {
    if let Some(body) = &item.body {
        return Ok(body.clone().into_bytes());
    }
    let outgoing = item
        .outgoing_id
        .ok_or_else(|| anyhow::anyhow!("document packet without its document"))?;
    let (facts, recipients) = exchange.store.issued_facts(outgoing).await?;
    let to: Vec<(String, String)> = recipients
        .into_iter()
        .filter(|(code, _)| item.organ_ids.contains(code))
        .collect();
    if item.action == 1 {
        let reason = exchange
            .store
            .recall_reason(outgoing)
            .await?
            .unwrap_or_else(|| "Thu hồi văn bản điện tử".into());
        let packet = super::packets::recall_packet(&facts, &to, &reason);
        return Ok(edxml::build_document(&packet)?.into_bytes());
    }
    let mut files = Vec::new();
    for (_, sha) in &facts.files {
        let mut reader = exchange
            .blobs
            .open(sha)
            .await?
            .ok_or_else(|| anyhow::anyhow!("tệp {sha} không còn trong kho"))?;
        let mut bytes = Vec::new();
        reader.read_to_end(&mut bytes).await?;
        files.push(bytes);
    }
    let packet = super::packets::document_packet(&facts, &to, files);
    Ok(edxml::build_document(&packet)?.into_bytes())
}

/// Reads each folder peer's `in` directory: every `*.edxml` is received (the folder is trusted as the peer) and
/// moved to `in/done` (or `in/refused` with a `.txt` saying why).
pub async fn import_folders(exchange: &Exchange) -> anyhow::Result<usize> {
    let mut received = 0;
    for peer in exchange.store.peers_of_kind("folder").await? {
        let (_, inbox) = transport::folder_dirs(&peer.endpoint);
        let Ok(mut dir) = tokio::fs::read_dir(&inbox).await else {
            continue;
        };
        let mut names = Vec::new();
        while let Some(entry) = dir.next_entry().await? {
            let name = entry.file_name().to_string_lossy().to_string();
            if name.ends_with(".edxml") && !name.starts_with('.') {
                names.push(name);
            }
        }
        names.sort();
        for name in names {
            let path = inbox.join(&name);
            let bytes = tokio::fs::read(&path).await?;
            let (target, note) = match super::receive::receive_packet(
                &exchange.store,
                &exchange.blobs,
                &exchange.trust_anchors,
                &peer,
                &bytes,
            )
            .await
            {
                Ok(crate::store::exchange::Receipt::Refused(why)) => ("refused", Some(why)),
                // Its document has not come in yet: the file stays for a later pass.
                Ok(crate::store::exchange::Receipt::NotYet(_)) => continue,
                Ok(_) => ("done", None),
                Err(super::receive::ReceiveError::Invalid(why)) => ("refused", Some(why)),
                // Storage failed here: the file stays for the next pass.
                Err(e) => return Err(anyhow::anyhow!(e)),
            };
            let dest = inbox.join(target);
            tokio::fs::create_dir_all(&dest).await?;
            if let Some(why) = note {
                tokio::fs::write(dest.join(format!("{name}.txt")), why).await?;
            }
            tokio::fs::rename(&path, dest.join(&name)).await?;
            received += 1;
        }
    }
    Ok(received)
}
