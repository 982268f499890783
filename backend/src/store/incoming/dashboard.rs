//! The leader's dashboard (bảng theo dõi): open and overdue work per unit and per person, in one grouped pass.

use crate::store::Store;

impl Store {
    #[tracing::instrument(skip_all, fields(user_id = user.id))]
    pub async fn dashboard(
        &self,
        user: &shared::user::UserDto,
        unit: Option<i64>,
        person: Option<i64>,
        filter: &shared::list_query::ListQuery,
    ) -> crate::store::StoreResult<shared::incoming::DashboardDto> {
        use shared::role::Role;
        let scope_unit = if user.has_role(Role::AgencyLeader) {
            unit
        } else if user.has_role(Role::UnitLeader) {
            if unit.is_some_and(|u| u != user.unit.id) {
                return Err(crate::store::StoreError::Forbidden(
                    "Lãnh đạo đơn vị chỉ xem được công việc của đơn vị mình.",
                ));
            }
            Some(user.unit.id)
        } else {
            return Err(crate::store::StoreError::Forbidden(
                "Chỉ lãnh đạo mới xem được bảng theo dõi.",
            ));
        };
        let agency = user.agency.id;
        let now = crate::store::now_ms();
        let soon = now + shared::incoming::DUE_SOON_MS;
        let unit_filter = scope_unit.map(|_| " AND a.unit_id = $4").unwrap_or("");
        // One pass over the agency's open work (an index-only scan of `assignments_open_work`), grouped by
        // unit and person together; names are looked up for the groups only, and the unit rows are the
        // sums of their people's rows.
        #[derive(sqlx::FromRow)]
        struct G {
            unit_id: i64,
            unit_name: String,
            user_id: Option<i64>,
            full_name: Option<String>,
            open: i64,
            due_soon: i64,
            overdue: i64,
            oldest_at: Option<i64>,
        }
        let groups: Vec<G> = {
            let sql = format!(
                "SELECT g.unit_id, (SELECT name FROM units WHERE id = g.unit_id) AS unit_name, g.user_id, \
                 (SELECT full_name FROM users WHERE id = g.user_id) AS full_name, g.open, g.due_soon, g.overdue, g.oldest_at \
                 FROM (SELECT a.unit_id, a.user_id, COUNT(*) AS open, \
                 SUM(CASE WHEN a.due_at >= $2 AND a.due_at <= $3 THEN 1 ELSE 0 END) AS due_soon, \
                 SUM(CASE WHEN a.due_at < $2 THEN 1 ELSE 0 END) AS overdue, MIN(a.created_at) AS oldest_at \
                 FROM assignments a WHERE a.agency_id = $1 AND a.state IN ('pending', 'processing') \
                 AND a.role <> 'inform'{unit_filter} GROUP BY a.unit_id, a.user_id) g"
            );
            let q = crate::store::sql::query_as::<G>(sql)
                .bind(agency)
                .bind(now)
                .bind(soon);
            match scope_unit {
                Some(u) => q.bind(u),
                None => q,
            }
            .fetch_all(&self.pool)
            .await?
        };
        let add = |into: &mut shared::incoming::BacklogRow, g: &G| {
            into.open += g.open;
            into.due_soon += g.due_soon;
            into.overdue += g.overdue;
            into.oldest_at = match (into.oldest_at, g.oldest_at.map(shared::time::Timestamp)) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
        };
        let empty = |id: i64, name: String| shared::incoming::BacklogRow {
            id,
            name,
            open: 0,
            due_soon: 0,
            overdue: 0,
            oldest_at: None,
        };
        let mut units: Vec<shared::incoming::BacklogRow> = Vec::new();
        let mut people: Vec<shared::incoming::BacklogRow> = Vec::new();
        for g in &groups {
            match units.iter_mut().find(|u| u.id == g.unit_id) {
                Some(u) => add(u, g),
                None => {
                    let mut u = empty(g.unit_id, g.unit_name.clone());
                    add(&mut u, g);
                    units.push(u);
                }
            }
            if let (Some(id), Some(name)) = (g.user_id, &g.full_name) {
                // A person is in one unit, but handover may have moved work between units: add up.
                match people.iter_mut().find(|p| p.id == id) {
                    Some(p) => add(p, g),
                    None => {
                        let mut p = empty(id, name.clone());
                        add(&mut p, g);
                        people.push(p);
                    }
                }
            }
        }
        let pressing = |r: &shared::incoming::BacklogRow| {
            (
                std::cmp::Reverse(r.overdue),
                std::cmp::Reverse(r.open),
                r.id,
            )
        };
        units.sort_by_key(pressing);
        people.sort_by_key(pressing);
        people.truncate(200);
        #[derive(sqlx::FromRow)]
        struct W {
            assignment_id: i64,
            incoming_id: i64,
            subject: String,
            code_text: String,
            arrival_number: Option<i64>,
            urgency: String,
            role: String,
            handler: String,
            unit: String,
            due_date: Option<String>,
            due_at: Option<i64>,
            created_at: i64,
            last_urged_at: Option<i64>,
        }
        // The ids are chosen on the assignments alone (the open-work index), then only those rows are
        // joined to their documents, units and people.
        let work_sql = |filter: &str, order: &str| {
            format!(
                "SELECT a.id AS assignment_id, i.id AS incoming_id, i.subject, i.code_text, i.arrival_number, i.urgency, a.role, \
                 COALESCE(u.full_name, un.name) AS handler, un.name AS unit, a.due_date, a.due_at, a.created_at, a.last_urged_at \
                 FROM (SELECT a.id FROM assignments a \
                 WHERE a.agency_id = $1 AND a.state IN ('pending', 'processing') AND a.role <> 'inform' {filter} {order}) t \
                 JOIN assignments a ON a.id = t.id JOIN incoming_documents i ON i.id = a.incoming_id \
                 JOIN units un ON un.id = a.unit_id LEFT JOIN users u ON u.id = a.user_id {}",
                order.split(" LIMIT").next().unwrap_or_default()
            )
        };
        let to_dto = |w: W| -> crate::store::StoreResult<shared::incoming::OpenWork> {
            Ok(shared::incoming::OpenWork {
                assignment_id: w.assignment_id,
                incoming_id: w.incoming_id,
                subject: w.subject,
                code_text: w.code_text,
                arrival_number: w.arrival_number,
                urgency: crate::store::common::urgency_of(&w.urgency)?,
                role: shared::incoming::AssignmentRole::from_code(&w.role)
                    .ok_or_else(|| crate::store::incoming::corrupt("role"))?,
                handler: w.handler,
                unit: w.unit,
                due_date: crate::store::incoming::civil_opt(w.due_date.as_deref())?,
                due: shared::incoming::DueState::at(w.due_at, false, now),
                assigned_at: shared::time::Timestamp(w.created_at),
                last_urged_at: w.last_urged_at.map(shared::time::Timestamp),
            })
        };
        // A drill-down is a list people work in: filtered, sorted and paged like the document lists.
        let drill = |extra: &str| {
            format!(
                "SELECT a.id AS assignment_id, i.id AS incoming_id, i.subject, i.code_text, i.arrival_number, i.urgency, a.role, \
                 COALESCE(u.full_name, un.name) AS handler, un.name AS unit, a.due_date, a.due_at, a.created_at, a.last_urged_at, \
                 i.doc_type, i.status, i.sender_name, i.arrival_year, a.urgency_rank AS k_rank \
                 FROM assignments a JOIN incoming_documents i ON i.id = a.incoming_id \
                 JOIN units un ON un.id = a.unit_id LEFT JOIN users u ON u.id = a.user_id \
                 WHERE a.agency_id = $1 AND a.state IN ('pending', 'processing') AND a.role <> 'inform' {extra}"
            )
        };
        let drill_columns = crate::store::list::Columns {
            date: "x.created_at",
            deadline: "x.due_at",
            year: "x.arrival_year",
            number: "x.arrival_number",
            doc_type: "x.doc_type",
            urgency: "x.urgency",
            status: "x.status",
            agency: Some("x.sender_name"),
            unit: None,
            tie: "x.assignment_id",
        };
        let drill_order = "(CASE WHEN x.due_at IS NULL THEN 1 ELSE 0 END), x.due_at, x.k_rank DESC, x.assignment_id";
        let mut drill_total = 0;
        let (oldest, overdue_items): (Vec<W>, Vec<W>) = if let Some(p) = person {
            // A unit leader drills into people of their own unit only.
            let (extra, u) = match scope_unit {
                Some(u) => ("AND a.user_id = $2 AND a.unit_id = $3", u),
                None => ("AND a.user_id = $2 AND $3 = $3", 0),
            };
            let (all, total) = crate::store::list::page::<W>(
                &self.pool,
                &drill(extra),
                vec![agency.into(), p.into(), u.into()],
                filter,
                &drill_columns,
                drill_order,
            )
            .await?;
            drill_total = total;
            (all, Vec::new())
        } else if let Some(u) = scope_unit.filter(|_| unit.is_some()) {
            let (all, total) = crate::store::list::page::<W>(
                &self.pool,
                &drill("AND a.unit_id = $2"),
                vec![agency.into(), u.into()],
                filter,
                &drill_columns,
                drill_order,
            )
            .await?;
            drill_total = total;
            (all, Vec::new())
        } else {
            let (f_old, f_over) = match scope_unit {
                Some(_) => ("AND a.unit_id = $2", "AND a.unit_id = $2 AND a.due_at < $3"),
                None => ("AND $2 = $2", "AND $2 = $2 AND a.due_at < $3"),
            };
            let u = scope_unit.unwrap_or(0);
            let oldest = crate::store::sql::query_as(work_sql(
                f_old,
                "ORDER BY a.created_at, a.id LIMIT 10",
            ))
            .bind(agency)
            .bind(u)
            .fetch_all(&self.pool)
            .await?;
            let overdue =
                crate::store::sql::query_as(work_sql(f_over, "ORDER BY a.due_at, a.id LIMIT 20"))
                    .bind(agency)
                    .bind(u)
                    .bind(now)
                    .fetch_all(&self.pool)
                    .await?;
            (oldest, overdue)
        };
        let (to_register, to_assign): (i64, i64) = crate::store::sql::query_as(
            "SELECT COALESCE(SUM(CASE WHEN status IN ('arrived', 'registered') THEN 1 ELSE 0 END), 0), \
             COALESCE(SUM(CASE WHEN status = 'to_assign' THEN 1 ELSE 0 END), 0) \
             FROM incoming_documents WHERE agency_id = $1 AND status IN ('arrived', 'registered', 'to_assign')",
        )
        .bind(agency)
        .fetch_one(&self.pool)
        .await?;
        // The name of what was drilled into, for the page's breadcrumb (it may have no open work).
        let drill_name: Option<(String,)> = match (person, unit) {
            (Some(p), _) => crate::store::sql::query_as("SELECT u.full_name FROM users u JOIN units un ON un.id = u.unit_id WHERE u.id = $1 AND un.agency_id = $2")
                .bind(p)
                .bind(agency)
                .fetch_optional(&self.pool)
                .await?,
            (None, Some(u)) => crate::store::sql::query_as("SELECT name FROM units WHERE id = $1 AND agency_id = $2")
                .bind(u)
                .bind(agency)
                .fetch_optional(&self.pool)
                .await?,
            _ => None,
        };
        Ok(shared::incoming::DashboardDto {
            drill_name: drill_name.map(|n| n.0),
            open: units.iter().map(|u| u.open).sum(),
            due_soon: units.iter().map(|u| u.due_soon).sum(),
            overdue: units.iter().map(|u| u.overdue).sum(),
            to_register,
            to_assign,
            units,
            people,
            oldest: oldest.into_iter().map(to_dto).collect::<Result<_, _>>()?,
            overdue_items: overdue_items
                .into_iter()
                .map(to_dto)
                .collect::<Result<_, _>>()?,
            drill_total,
            page: filter.page,
            per_page: filter.per_page,
        })
    }
}
