//! Registers (sổ văn bản): every agency keeps an outgoing and an incoming one; their lines live with the
//! documents (`outgoing/register.rs`, `incoming/register.rs`).

use super::Store;

impl Store {
    #[tracing::instrument(skip_all, fields(agency_id = agency_id))]
    pub async fn list_registers(
        &self,
        agency_id: i64,
    ) -> crate::store::StoreResult<Vec<shared::outgoing::RegisterDto>> {
        let rows: Vec<(i64, i64, String, String)> = crate::store::sql::query_as(
            "SELECT id, agency_id, direction, name FROM registers WHERE agency_id = $1 ORDER BY direction DESC, name",
        )
        .bind(agency_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(
                |(id, agency_id, direction, name)| shared::outgoing::RegisterDto {
                    id,
                    agency_id,
                    direction,
                    name,
                },
            )
            .collect())
    }

    #[tracing::instrument(skip_all, fields(id = id))]
    pub async fn get_register(
        &self,
        id: i64,
    ) -> crate::store::StoreResult<shared::outgoing::RegisterDto> {
        let row: Option<(i64, i64, String, String)> = crate::store::sql::query_as(
            "SELECT id, agency_id, direction, name FROM registers WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        let (id, agency_id, direction, name) = row.ok_or(crate::store::StoreError::NotFound)?;
        Ok(shared::outgoing::RegisterDto {
            id,
            agency_id,
            direction,
            name,
        })
    }
}
