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
        let renewed: Option<(i64,)> = crate::store::sql::query_as(
            "UPDATE register_numbers SET expires_at = $1, held_by = $2 \
             WHERE register_id = $3 AND year = $4 AND state = 'held' AND document_id = $5 RETURNING number",
        )
        .bind(expires)
        .bind(clerk.id)
        .bind(register)
        .bind(year)
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        let number = match renewed {
            Some((n,)) => n,
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
        tx.commit().await?;
        let doc_type = crate::store::common::doc_type_of(&d.doc_type)?;
        let notation = shared::outgoing::notation(doc_type, &d.agency_short, &d.unit_short);
        Ok(shared::outgoing::NumberReservation {
            register_id: register,
            year: date.year,
            number: number as u32,
            number_text: shared::pdf::fill::number_text(number as u32, &notation),
            notation,
            date,
            date_text: shared::pdf::fill::date_text(date.year, date.month, date.day),
            expires_at: shared::time::Timestamp(expires),
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
        crate::store::sql::query("UPDATE register_numbers SET state = 'free', document_id = NULL, held_by = NULL, expires_at = NULL \
                     WHERE document_id = $1 AND state = 'held'")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The number held for a document, if any (expired or not).
    #[tracing::instrument(skip_all, fields(id = id))]
    pub async fn held_number(
        &self,
        id: i64,
    ) -> crate::store::StoreResult<Option<crate::store::outgoing::HeldNumber>> {
        let row: Option<(i64, i64, i64, i64, i64)> = crate::store::sql::query_as(
            "SELECT register_id, year, number, held_by, expires_at FROM register_numbers WHERE document_id = $1 AND state = 'held'",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|(register_id, year, number, held_by, expires_at)| {
            crate::store::outgoing::HeldNumber {
                register_id,
                year: year as i32,
                number: number as u32,
                held_by,
                expires_at,
            }
        }))
    }
}
