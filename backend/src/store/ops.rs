//! What operations read of the store: whether the database answers (readiness) and the depths of its queues
//! (metrics).

use crate::store::sql::{self, Pool};
use crate::store::{Store, StoreResult};

/// The database pool and the queues, as a scrape reads them.
pub struct StoreGauges {
    pub pool_size: u32,
    pub pool_idle: usize,
    /// Deliveries to other systems not yet delivered or given up.
    pub exchange_outbox: i64,
    /// Remote signature requests waiting for the person's approval.
    pub remote_signatures_pending: i64,
}

impl Store {
    /// One round trip to the database: what readiness checks.
    #[tracing::instrument(skip_all)]
    pub async fn ping(&self) -> StoreResult<()> {
        sql::query_as::<(i64,)>("SELECT CAST(1 AS BIGINT)")
            .fetch_one(&self.pool)
            .await?;
        Ok(())
    }

    /// The pool's connections and the queues' depths.
    #[tracing::instrument(skip_all)]
    pub async fn gauges(&self) -> StoreResult<StoreGauges> {
        let (pool_size, pool_idle) = match &self.pool {
            Pool::Sqlite(p) => (p.size(), p.num_idle()),
            Pool::Postgres(p) => (p.size(), p.num_idle()),
        };
        let (exchange_outbox,): (i64,) =
            sql::query_as("SELECT COUNT(*) FROM exchange_outbox WHERE state = 'pending'")
                .fetch_one(&self.pool)
                .await?;
        let (remote_signatures_pending,): (i64,) =
            sql::query_as("SELECT COUNT(*) FROM remote_signatures WHERE status = 'pending'")
                .fetch_one(&self.pool)
                .await?;
        Ok(StoreGauges {
            pool_size,
            pool_idle,
            exchange_outbox,
            remote_signatures_pending,
        })
    }
}
