//! Public verification (issue 15): an issued document found by its verification code or by its main file's
//! SHA-256, with what the public may be told; and the per-address counter of the public routes.

use crate::store::Store;
use crate::store::sql;

/// An issued (or recalled) document as public verification sees it.
#[derive(Debug, Clone)]
pub struct PublicDocument {
    pub code: Option<String>,
    pub number_text: Option<String>,
    pub subject: String,
    pub agency_name: String,
    pub issued_at: Option<i64>,
    pub recalled: bool,
    /// The issued main file.
    pub sha256: String,
    pub file_name: String,
    pub size: i64,
    /// Its verified signatures at issue: (signer, signing time), in the order they were made.
    pub signers: Vec<(String, Option<String>)>,
}

/// The issued main file of a document, with the document's public facts.
const PUBLIC_SELECT: &str = "SELECT d.id, d.verification_code, d.number_text, d.subject, a.name, d.issued_at, d.status, \
     f.sha256, f.name, f.size FROM outgoing_documents d JOIN agencies a ON a.id = d.agency_id \
     JOIN document_files f ON f.document_id = d.id AND f.kind = 'issued' AND f.position = 0 \
     WHERE d.status IN ('issued', 'recalled') ";

type PublicRow = (
    i64,
    Option<String>,
    Option<String>,
    String,
    String,
    Option<i64>,
    String,
    String,
    String,
    i64,
);

impl Store {
    /// The issued document whose verification code is `code` (canonical form), if any.
    #[tracing::instrument(skip_all)]
    pub async fn public_document_by_code(
        &self,
        code: &str,
    ) -> crate::store::StoreResult<Option<PublicDocument>> {
        let row: Option<PublicRow> = sql::query_as(format!(
            "{PUBLIC_SELECT}AND d.verification_code = $1 ORDER BY f.version DESC LIMIT 1"
        ))
        .bind(code)
        .fetch_optional(&self.pool)
        .await?;
        self.public_document(row).await
    }

    /// The issued document whose main issued file has this SHA-256, if any.
    #[tracing::instrument(skip_all)]
    pub async fn public_document_by_sha256(
        &self,
        sha256: &str,
    ) -> crate::store::StoreResult<Option<PublicDocument>> {
        let row: Option<PublicRow> = sql::query_as(format!(
            "{PUBLIC_SELECT}AND f.sha256 = $1 ORDER BY d.id LIMIT 1"
        ))
        .bind(sha256)
        .fetch_optional(&self.pool)
        .await?;
        self.public_document(row).await
    }

    async fn public_document(
        &self,
        row: Option<PublicRow>,
    ) -> crate::store::StoreResult<Option<PublicDocument>> {
        let Some((
            id,
            code,
            number_text,
            subject,
            agency_name,
            issued_at,
            status,
            sha256,
            file_name,
            size,
        )) = row
        else {
            return Ok(None);
        };
        let signers: Vec<(String, Option<String>)> = sql::query_as(
            "SELECT signer, signing_time FROM signatures WHERE document_id = $1 AND file_sha256 = $2 ORDER BY id",
        )
        .bind(id)
        .bind(&sha256)
        .fetch_all(&self.pool)
        .await?;
        Ok(Some(PublicDocument {
            code,
            number_text,
            subject,
            agency_name,
            issued_at,
            recalled: status == "recalled",
            sha256,
            file_name,
            size,
            signers,
        }))
    }

    /// Counts one request of `client_addr` to the public verification routes and returns how many it made since
    /// `since` (this one included) and when the oldest of them was. Older requests of everyone are pruned.
    #[tracing::instrument(skip_all)]
    pub async fn count_public_verify(
        &self,
        client_addr: &str,
        now: i64,
        since: i64,
    ) -> crate::store::StoreResult<(i64, i64)> {
        let mut tx = self.begin_write().await?;
        sql::query("DELETE FROM public_verify_hits WHERE at <= $1")
            .bind(since)
            .execute(&mut *tx)
            .await?;
        sql::query("INSERT INTO public_verify_hits (at, client_addr) VALUES ($1, $2)")
            .bind(now)
            .bind(client_addr)
            .execute(&mut *tx)
            .await?;
        let (count, oldest): (i64, Option<i64>) = sql::query_as(
            "SELECT COUNT(*), MIN(at) FROM public_verify_hits WHERE client_addr = $1 AND at > $2",
        )
        .bind(client_addr)
        .bind(since)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok((count, oldest.unwrap_or(now)))
    }
}
