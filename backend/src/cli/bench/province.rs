//! The benchmark province: agencies with their two registers, six units each and forty people each, ids laid
//! out by formula so the document generator can name them without looking them up:
//!
//! - agency `a` (1-based): registers `2a - 1` (outgoing) and `2a` (incoming);
//! - unit `u` of agency `a` (1 = the office, 2..=6 the departments): `(a - 1) * 6 + u`;
//! - person `j` of agency `a`: `(a - 1) * 40 + j`: 1 the agency leader, 2 the clerk, `2 + u` the leader of
//!   unit `u`, 9..=40 officials, official `j` in unit `1 + (j - 9) % 6`.
//!
//! Usernames: `ld.a{a}` (leader), `vt.a{a}` (clerk), `tp{u}.a{a}` (unit leaders), `cv{j}.a{a}` (officials).

use shared::role::Role;

use super::{Db, Plan, lit};

pub const UNITS: i64 = 6;
pub const PEOPLE: i64 = 40;

const UNIT_NAMES: [(&str, &str, &str); UNITS as usize] = [
    ("Văn phòng", "VP", "van_phong"),
    ("Phòng Kế hoạch - Tài chính", "KHTC", "phong"),
    ("Phòng Tổ chức cán bộ", "TCCB", "phong"),
    ("Phòng Nghiệp vụ 1", "NV1", "phong"),
    ("Phòng Nghiệp vụ 2", "NV2", "phong"),
    ("Thanh tra", "TTr", "phong"),
];

const FAMILY: [&str; 16] = [
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
    "Hồ", "Ngô", "Dương", "Lý",
];
const MIDDLE: [&str; 8] = ["Văn", "Thị", "Minh", "Hữu", "Thanh", "Ngọc", "Đức", "Quốc"];
const GIVEN: [&str; 30] = [
    "An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hiếu", "Hoa", "Hùng", "Hương",
    "Khánh", "Lan", "Long", "Mai", "Nam", "Ngân", "Phúc", "Phương", "Quân", "Sơn", "Tâm", "Thảo",
    "Trang", "Trung", "Tuấn", "Việt", "Vy", "Yến",
];

/// The code of agency `a`: QCVN 102 form under level-1 code H62, unique for up to 9,000 agencies.
pub fn agency_code(a: i64) -> String {
    format!("000.{:02}.{:02}.H62", 10 + a / 100, a % 100)
}

/// Username and role of person `j` of agency `a`.
pub fn person(a: i64, j: i64) -> (String, Role, &'static str) {
    match j {
        1 => (format!("ld.a{a}"), Role::AgencyLeader, "Giám đốc"),
        2 => (format!("vt.a{a}"), Role::Clerk, "Văn thư"),
        3..=8 => (
            format!("tp{}.a{a}", j - 2),
            Role::UnitLeader,
            "Trưởng phòng",
        ),
        _ => (format!("cv{j}.a{a}"), Role::Official, "Chuyên viên"),
    }
}

fn unit_of(j: i64) -> i64 {
    match j {
        1 | 2 => 1,
        3..=8 => j - 2,
        _ => 1 + (j - 9) % UNITS,
    }
}

fn full_name(id: i64) -> String {
    let n = id as usize * 7919;
    format!(
        "{} {} {}",
        FAMILY[n % FAMILY.len()],
        MIDDLE[(n / 16) % MIDDLE.len()],
        GIVEN[(n / 128) % GIVEN.len()]
    )
}

/// Inserts `rows` (already SQL tuples) into `table` in statements of 1,000 rows.
async fn insert(db: &mut Db, table: &str, columns: &str, rows: &[String]) -> anyhow::Result<()> {
    for chunk in rows.chunks(1000) {
        db.exec(&format!(
            "INSERT INTO {table} ({columns}) VALUES {}",
            chunk.join(",")
        ))
        .await?;
    }
    Ok(())
}

pub async fn seed(db: &mut Db, plan: &Plan, password_hash: &str) -> anyhow::Result<()> {
    let now = plan.now;
    let created = now - 4 * 365 * 86_400_000;
    let agencies: Vec<String> = (1..=plan.agencies)
        .map(|a| {
            format!(
                "({a}, {}, {}, {}, NULL, {created})",
                lit(&agency_code(a)),
                lit(&format!("Sở Thử nghiệm số {a}")),
                lit(&format!("STN{a}"))
            )
        })
        .collect();
    insert(
        db,
        "agencies",
        "id, code, name, short_name, parent_id, created_at",
        &agencies,
    )
    .await?;

    let registers: Vec<String> = (1..=plan.agencies)
        .flat_map(|a| {
            [
                format!(
                    "({}, {a}, 'outgoing', 'Sổ văn bản đi', {created})",
                    2 * a - 1
                ),
                format!("({}, {a}, 'incoming', 'Sổ văn bản đến', {created})", 2 * a),
            ]
        })
        .collect();
    insert(
        db,
        "registers",
        "id, agency_id, direction, name, created_at",
        &registers,
    )
    .await?;

    let units: Vec<String> = (1..=plan.agencies)
        .flat_map(|a| {
            UNIT_NAMES
                .iter()
                .enumerate()
                .map(move |(u, (name, short, kind))| {
                    format!(
                        "({}, {a}, {}, {}, {}, {created}, {created})",
                        (a - 1) * UNITS + u as i64 + 1,
                        lit(name),
                        lit(short),
                        lit(kind)
                    )
                })
        })
        .collect();
    insert(
        db,
        "units",
        "id, agency_id, name, short_name, kind, created_at, updated_at",
        &units,
    )
    .await?;

    let mut users = Vec::new();
    let mut roles = Vec::new();
    let hash = lit(password_hash);
    for a in 1..=plan.agencies {
        for j in 1..=PEOPLE {
            let id = (a - 1) * PEOPLE + j;
            let (username, role, position) = person(a, j);
            let name = full_name(id);
            let search = shared::text::fold_for_search(&format!("{username} {name}"));
            users.push(format!(
                "({id}, {}, {}, {}, {}, NULL, NULL, {}, {hash}, {created}, {created})",
                lit(&username),
                lit(&name),
                lit(&search),
                lit(position),
                (a - 1) * UNITS + unit_of(j),
            ));
            roles.push(format!("({id}, {})", lit(role.code())));
        }
    }
    insert(
        db,
        "users",
        "id, username, full_name, search_text, position, email, phone, unit_id, password_hash, \
         created_at, updated_at",
        &users,
    )
    .await?;
    insert(db, "user_roles", "user_id, role", &roles).await?;
    if db.is_postgres() {
        for table in ["agencies", "registers", "units", "users"] {
            db.exec(&format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
            ))
            .await?;
        }
    }
    Ok(())
}
