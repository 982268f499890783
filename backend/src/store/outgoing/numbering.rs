//! Number reservations: a clerk holds the next number of a register for a document (a 15-minute lease), so the
//! number can be written into the PDF before the seal; given-back numbers are taken first, so the register has
//! no gap and no duplicate.

use crate::store::Store;

impl Store {
    /// Holds the next free number of the document's register for this year for `lease_ms` (or renews the
    /// one it holds). Only the agency's clerks, only for a signed document.
    #[tracing::instrument(skip_all, fields(clerk_id = clerk.id, id = id))]
    pub async fn reserve_number(
        &self,
        clerk: &shared::user::UserDto,
        id: i64,
        now: i64,
        lease_ms: i64,
    ) -> crate::store::StoreResult<shared::outgoing::NumberReservation> {
        let mut tx = self.begin_write().await?;
        let d = Self::lock_doc(&mut tx, id).await?;
        Self::check_issuer(clerk, &d)?;
        let date = shared::civil_date::CivilDate::of(shared::time::Timestamp(now));
        let year = i64::from(date.year);
        let register = d.register_id;
        let expires = now + lease_ms;
        // A number held in another year (across New Year's Eve) is given back first.
        crate::store::sql::query("UPDATE register_numbers SET state = 'free', document_id = NULL, held_by = NULL, expires_at = NULL \
                     WHERE document_id = $1 AND NOT (register_id = $2 AND year = $3)")
            .bind(id)
            .bind(register)
            .bind(year)
            .execute(&mut *tx)
            .await?;
        // Already holding one: renew it.
        let renewed: Option<(i64, Option<String>)> = crate::store::sql::query_as(
            "UPDATE register_numbers SET expires_at = $1, held_by = $2 \
             WHERE register_id = $3 AND year = $4 AND state = 'held' AND document_id = $5 RETURNING number, verification_code",
        )
        .bind(expires)
        .bind(clerk.id)
        .bind(register)
        .bind(year)
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        let number = match &renewed {
            Some((n, _)) => *n,
            None => loop {
                // The lowest number given back (released, or held past its lease) goes first, so the
                // register keeps no gap. Taking it is a conditional update: when another clerk takes the
                // same one at the same moment, the row lock makes one of them see it taken (0 rows), and
                // that one looks again.
                let free: Option<(i64,)> = crate::store::sql::query_as(
                    "SELECT number FROM register_numbers WHERE register_id = $1 AND year = $2 \
                     AND (state = 'free' OR (state = 'held' AND expires_at < $3)) ORDER BY number LIMIT 1",
                )
                .bind(register)
                .bind(year)
                .bind(now)
                .fetch_optional(&mut *tx)
                .await?;
                match free {
                    Some((n,)) => {
                        let taken = crate::store::sql::query(
                            "UPDATE register_numbers SET state = 'held', document_id = $1, held_by = $2, expires_at = $3 \
                             WHERE register_id = $4 AND year = $5 AND number = $6 \
                             AND (state = 'free' OR (state = 'held' AND expires_at < $7))",
                        )
                        .bind(id)
                        .bind(clerk.id)
                        .bind(expires)
                        .bind(register)
                        .bind(year)
                        .bind(n)
                        .bind(now)
                        .execute(&mut *tx)
                        .await?;
                        if taken.rows_affected() == 1 {
                            break n;
                        }
                    }
                    None => {
                        // A new number: the counter row is updated (and so locked) only here, and only for
                        // the two statements before commit, so concurrent clerks queue briefly.
                        crate::store::sql::query("INSERT INTO register_counters (register_id, year, high) VALUES ($1, $2, 0) ON CONFLICT DO NOTHING")
                            .bind(register)
                            .bind(year)
                            .execute(&mut *tx)
                            .await?;
                        let (n,): (i64,) = crate::store::sql::query_as(
                            "UPDATE register_counters SET high = high + 1 WHERE register_id = $1 AND year = $2 RETURNING high",
                        )
                        .bind(register)
                        .bind(year)
                        .fetch_one(&mut *tx)
                        .await?;
                        crate::store::sql::query(
                            "INSERT INTO register_numbers (register_id, year, number, state, document_id, held_by, expires_at) \
                             VALUES ($1, $2, $3, 'held', $4, $5, $6)",
                        )
                        .bind(register)
                        .bind(year)
                        .bind(n)
                        .bind(id)
                        .bind(clerk.id)
                        .bind(expires)
                        .execute(&mut *tx)
                        .await?;
                        break n;
                    }
                }
            },
        };
        // Renewing keeps the code already printed in a file being sealed; a new hold gets a new code.
        let code = match renewed.as_ref().and_then(|r| r.1.clone()) {
            Some(c) => c,
            None => {
                let c = new_verification_code();
                crate::store::sql::query(
                    "UPDATE register_numbers SET verification_code = $1 WHERE register_id = $2 AND year = $3 AND number = $4",
                )
                .bind(&c)
                .bind(register)
                .bind(year)
                .bind(number)
                .execute(&mut *tx)
                .await?;
                c
            }
        };
        let doc_type = crate::store::common::doc_type_of(&d.doc_type)?;
        let notation = shared::outgoing::notation(doc_type, &d.agency_short, &d.unit_short);
        let number_text = shared::pdf::fill::number_text(number as u32, &notation);
        Self::audit_document(
            &mut tx,
            clerk,
            "outgoing.number_reserve",
            crate::store::audit::AuditedDocument::outgoing(&d),
            serde_json::json!({"register_id": register, "year": year, "register_number": number,
                "number_text": number_text, "renewed": renewed.is_some(), "expires_at": expires}),
        )
        .await?;
        tx.commit().await?;
        Ok(shared::outgoing::NumberReservation {
            register_id: register,
            year: date.year,
            number: number as u32,
            number_text,
            notation,
            date,
            date_text: shared::pdf::fill::date_text(date.year, date.month, date.day),
            expires_at: shared::time::Timestamp(expires),
            verification_url: format!("{}{code}", shared::verification::PAGE_PREFIX),
            verification_code: code,
        })
    }

    /// Gives the held number back (it goes to the next document first).
    #[tracing::instrument(skip_all, fields(clerk_id = clerk.id, id = id))]
    pub async fn release_number(
        &self,
        clerk: &shared::user::UserDto,
        id: i64,
    ) -> crate::store::StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let d = Self::lock_doc(&mut tx, id).await?;
        Self::check_issuer(clerk, &d)?;
        let released: Vec<(i64, i64)> = crate::store::sql::query_as("UPDATE register_numbers SET state = 'free', document_id = NULL, held_by = NULL, expires_at = NULL \
                     WHERE document_id = $1 AND state = 'held' RETURNING year, number")
            .bind(id)
            .fetch_all(&mut *tx)
            .await?;
        if let Some((year, number)) = released.first() {
            Self::audit_document(
                &mut tx,
                clerk,
                "outgoing.number_release",
                crate::store::audit::AuditedDocument::outgoing(&d),
                serde_json::json!({"register_id": d.register_id, "year": year, "register_number": number}),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The number held for a document, if any (expired or not).
    #[tracing::instrument(skip_all, fields(id = id))]
    pub async fn held_number(
        &self,
        id: i64,
    ) -> crate::store::StoreResult<Option<crate::store::outgoing::HeldNumber>> {
        let row: Option<(i64, i64, i64, i64, i64, Option<String>)> = crate::store::sql::query_as(
            "SELECT register_id, year, number, held_by, expires_at, verification_code FROM register_numbers \
             WHERE document_id = $1 AND state = 'held'",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(
            row.map(|(register_id, year, number, held_by, expires_at, code)| {
                crate::store::outgoing::HeldNumber {
                    register_id,
                    year: year as i32,
                    number: number as u32,
                    held_by,
                    expires_at,
                    verification_code: code.unwrap_or_default(),
                }
            }),
        )
    }
}

/// A fresh verification code: 60 bits from the operating system's generator.
fn new_verification_code() -> String {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).expect("the OS random source works");
    shared::verification::VerificationCode::from_random(u64::from_le_bytes(bytes)).to_string()
}
