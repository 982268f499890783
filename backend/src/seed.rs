//! The demo province (`vanban seed-demo`): UBND tỉnh Vĩnh Long, its office, five departments and two district
//! committees, each with a clerk, an agency leader, a unit leader, two officials and an administrator; plus the
//! provincial administrator `admin`. Codes follow QCVN 102:2016 under level-1 code H62 (Vĩnh Long).

use shared::agency::{AgencyCode, UnitKind};
use shared::role::Role;

use crate::auth::hash_password;
use crate::store::{Actor, NewAgency, NewUser, Store, UnitFields, UserFields};

struct DemoAgency {
    code: &'static str,
    name: &'static str,
    short: &'static str,
    /// Suffix of the usernames (`vanthu.snv`).
    key: &'static str,
    /// The professional unit where the unit leader and officials work.
    unit: (&'static str, &'static str, UnitKind),
    /// Full names: clerk, agency leader, unit leader, official 1, official 2, administrator.
    people: [&'static str; 6],
}

/// The name the seeding writes under in the audit log (no account has it).
pub const SEED_ACTOR: &str = "seed-demo";

const PROVINCE_CODE: &str = "000.00.00.H62";

const AGENCIES: &[DemoAgency] = &[
    DemoAgency {
        code: PROVINCE_CODE,
        name: "Ủy ban nhân dân tỉnh Vĩnh Long",
        short: "UBND",
        key: "ubnd",
        unit: ("Ban Tiếp công dân tỉnh", "BTCD", UnitKind::Ban),
        people: [
            "Lê Thị Thu Hà",
            "Nguyễn Văn Phước",
            "Trần Minh Tâm",
            "Phạm Thị Ngọc Bích",
            "Võ Hoàng Long",
            "Đặng Quốc Bảo",
        ],
    },
    DemoAgency {
        code: "000.00.01.H62",
        name: "Văn phòng Ủy ban nhân dân tỉnh Vĩnh Long",
        short: "VPUBND",
        key: "vpubnd",
        unit: ("Phòng Kinh tế", "KT", UnitKind::Phong),
        people: [
            "Huỳnh Thị Mỹ Linh",
            "Trương Công Danh",
            "Lâm Thanh Sơn",
            "Ngô Thị Kim Yến",
            "Bùi Đức Thắng",
            "Châu Văn Khải",
        ],
    },
    DemoAgency {
        code: "000.00.02.H62",
        name: "Sở Nội vụ tỉnh Vĩnh Long",
        short: "SNV",
        key: "snv",
        unit: (
            "Phòng Tổ chức, biên chế và tổ chức phi chính phủ",
            "TCBC",
            UnitKind::Phong,
        ),
        people: [
            "Nguyễn Thị Hồng Nhung",
            "Lê Văn Hùng",
            "Phan Thị Thanh Thảo",
            "Đỗ Minh Trí",
            "Hồ Thị Diễm My",
            "Tạ Văn Lực",
        ],
    },
    DemoAgency {
        code: "000.00.03.H62",
        name: "Sở Tài chính tỉnh Vĩnh Long",
        short: "STC",
        key: "stc",
        unit: ("Phòng Quản lý ngân sách", "QLNS", UnitKind::Phong),
        people: [
            "Trần Thị Bảo Trâm",
            "Dương Văn Nghĩa",
            "Lý Thị Kim Oanh",
            "Mai Quốc Việt",
            "Cao Thị Hồng Vân",
            "Kiều Minh Đức",
        ],
    },
    DemoAgency {
        code: "000.00.04.H62",
        name: "Sở Tư pháp tỉnh Vĩnh Long",
        short: "STP",
        key: "stp",
        unit: (
            "Phòng Văn bản và Thi hành pháp luật",
            "VBTHPL",
            UnitKind::Phong,
        ),
        people: [
            "Phạm Thị Lan Anh",
            "Nguyễn Hữu Tài",
            "Võ Thị Cẩm Tú",
            "Trần Quang Huy",
            "Lê Thị Thúy Kiều",
            "Nguyễn Tấn Phát",
        ],
    },
    DemoAgency {
        code: "000.00.05.H62",
        name: "Sở Giáo dục và Đào tạo tỉnh Vĩnh Long",
        short: "SGDĐT",
        key: "sgddt",
        unit: ("Phòng Giáo dục phổ thông", "GDPT", UnitKind::Phong),
        people: [
            "Đoàn Thị Xuân Mai",
            "Huỳnh Văn Thành",
            "Nguyễn Thị Thanh Hương",
            "Phạm Minh Khoa",
            "Trịnh Thị Ngọc Hân",
            "Lưu Văn Toàn",
        ],
    },
    DemoAgency {
        code: "000.00.06.H62",
        name: "Sở Y tế tỉnh Vĩnh Long",
        short: "SYT",
        key: "syt",
        unit: ("Phòng Nghiệp vụ Y", "NVY", UnitKind::Phong),
        people: [
            "Lê Thị Mộng Tuyền",
            "Trần Văn Dũng",
            "Nguyễn Ngọc Hạnh",
            "Võ Thanh Phong",
            "Phan Thị Quỳnh Như",
            "Hà Văn Lộc",
        ],
    },
    DemoAgency {
        code: "000.00.31.H62",
        name: "Ủy ban nhân dân huyện Long Hồ",
        short: "UBND",
        key: "longho",
        unit: ("Phòng Tài chính - Kế hoạch", "TCKH", UnitKind::Phong),
        people: [
            "Nguyễn Thị Bé Ba",
            "Phạm Văn Tư",
            "Lê Hoàng Nam",
            "Trần Thị Mỹ Duyên",
            "Huỳnh Tấn Lợi",
            "Võ Văn Sang",
        ],
    },
    DemoAgency {
        code: "000.00.32.H62",
        name: "Ủy ban nhân dân huyện Mang Thít",
        short: "UBND",
        key: "mangthit",
        unit: ("Phòng Nội vụ", "NV", UnitKind::Phong),
        people: [
            "Đặng Thị Kim Loan",
            "Nguyễn Văn Chiến",
            "Lâm Thị Hoài Thương",
            "Trương Minh Nhựt",
            "Bùi Thị Thu Trang",
            "Phan Văn Hiếu",
        ],
    },
];

/// One demo account, for printing.
#[derive(Debug, Clone)]
pub struct DemoAccount {
    pub username: String,
    pub full_name: String,
    pub agency: String,
    pub roles: String,
}

/// A signing key the demo needs: the file stem (`lanhdao.snv`), the certificate's common name and
/// organisation, and whether it is the agency's seal.
pub struct DemoSigner {
    pub file_stem: String,
    pub agency_key: &'static str,
    pub common_name: &'static str,
    pub organization: &'static str,
    pub seal: bool,
}

/// The keys that let every demo role sign: each agency's leader and unit leader (their certificates name them,
/// which is how the server knows a signature is theirs) and each agency's seal (named after the agency).
pub fn demo_signers() -> Vec<DemoSigner> {
    let mut out = Vec::new();
    for a in AGENCIES {
        for (prefix, name) in [("lanhdao", a.people[1]), ("truongphong", a.people[2])] {
            out.push(DemoSigner {
                file_stem: format!("{prefix}.{}", a.key),
                agency_key: a.key,
                common_name: name,
                organization: a.name,
                seal: false,
            });
        }
        out.push(DemoSigner {
            file_stem: format!("dau.{}", a.key),
            agency_key: a.key,
            common_name: a.name,
            organization: a.name,
            seal: true,
        });
    }
    out
}

/// Registers the demo certificates found in `dir` (`<file stem>.pem`, written by `vanban pki demo-keys`):
/// each leader's to their account, each seal to its agency. Certificates registered already are skipped, so
/// this runs at every start; returns how many it registered.
pub async fn register_demo_certificates(
    store: &Store,
    dir: &std::path::Path,
) -> anyhow::Result<usize> {
    use crate::store::certificates::{Owner, ParsedCertificate};
    let system = Actor {
        id: None,
        username: Some(SEED_ACTOR.into()),
        client_addr: None,
    };
    let mut registered = 0;
    for s in demo_signers() {
        let Ok(pem) = std::fs::read(dir.join(format!("{}.pem", s.file_stem))) else {
            continue;
        };
        let cert = ParsedCertificate::parse(&pem)
            .map_err(|e| anyhow::anyhow!("{}.pem: {e}", s.file_stem))?;
        if store.certificate_registered(&cert.sha256).await? {
            continue;
        }
        let owner = if s.seal {
            let code = AGENCIES
                .iter()
                .find(|a| a.key == s.agency_key)
                .map(|a| a.code)
                .unwrap_or_default();
            match store.find_agency_by_code(code).await? {
                Some(a) => Owner::Agency(a.id),
                None => continue,
            }
        } else {
            match store.user_id_by_username(&s.file_stem).await? {
                Some(id) => Owner::User(id),
                None => continue,
            }
        };
        store
            .bind_certificate(
                &system,
                &cert,
                owner,
                shared::certificate::BindingSource::Seed,
            )
            .await?;
        registered += 1;
    }
    Ok(registered)
}

/// What seeding did.
#[derive(Debug)]
pub enum SeedOutcome {
    Seeded(Vec<DemoAccount>),
    AlreadySeeded,
}

/// Seeds the demo province unless it is there already. Every account gets `password`.
pub async fn seed_demo(store: &Store, password: &str) -> anyhow::Result<SeedOutcome> {
    if store.find_agency_by_code(PROVINCE_CODE).await?.is_some() {
        return Ok(SeedOutcome::AlreadySeeded);
    }
    let system = Actor {
        id: None,
        username: Some(SEED_ACTOR.into()),
        client_addr: None,
    };
    let mut accounts = Vec::new();
    let mut province_id = None;
    let mut office_it_unit = None;
    for a in AGENCIES {
        let agency = store
            .create_agency(
                &system,
                NewAgency {
                    code: AgencyCode::parse(a.code)?,
                    name: a.name.into(),
                    short_name: a.short.into(),
                    parent_id: province_id,
                },
            )
            .await?;
        province_id.get_or_insert(agency.id);
        let office = store
            .create_unit(
                &system,
                agency.id,
                UnitFields {
                    name: "Văn phòng".into(),
                    short_name: "VP".into(),
                    kind: UnitKind::VanPhong,
                },
            )
            .await?;
        let unit = store
            .create_unit(
                &system,
                agency.id,
                UnitFields {
                    name: a.unit.0.into(),
                    short_name: a.unit.1.into(),
                    kind: a.unit.2,
                },
            )
            .await?;
        if a.key == "vpubnd" {
            let it = store
                .create_unit(
                    &system,
                    agency.id,
                    UnitFields {
                        name: "Trung tâm Thông tin - Tin học".into(),
                        short_name: "TTTH".into(),
                        kind: UnitKind::TrungTam,
                    },
                )
                .await?;
            office_it_unit = Some(it.id);
        }
        let people: [(&str, i64, Vec<Role>, &str); 6] = [
            ("vanthu", office.id, vec![Role::Clerk], "Văn thư"),
            ("lanhdao", office.id, vec![Role::AgencyLeader], "Giám đốc"),
            (
                "truongphong",
                unit.id,
                vec![Role::UnitLeader],
                "Trưởng phòng",
            ),
            ("chuyenvien1", unit.id, vec![Role::Official], "Chuyên viên"),
            ("chuyenvien2", unit.id, vec![Role::Official], "Chuyên viên"),
            (
                "quantri",
                office.id,
                vec![Role::AgencyAdmin],
                "Quản trị hệ thống cơ quan",
            ),
        ];
        for ((prefix, unit_id, roles, position), full_name) in people.into_iter().zip(a.people) {
            let position = match (prefix, a.key) {
                ("lanhdao", "ubnd" | "longho" | "mangthit") => "Chủ tịch",
                ("lanhdao", "vpubnd") => "Chánh Văn phòng",
                _ => position,
            };
            let username = format!("{prefix}.{}", a.key);
            accounts.push(
                create_demo_user(
                    store,
                    &system,
                    &username,
                    full_name,
                    position,
                    unit_id,
                    roles,
                    password,
                    &agency.name,
                )
                .await?,
            );
        }
    }
    let it_unit = office_it_unit.expect("the provincial office has an IT centre");
    let admin = create_demo_user(
        store,
        &system,
        "admin",
        "Quản trị hệ thống tỉnh",
        "Quản trị hệ thống",
        it_unit,
        vec![Role::SystemAdmin],
        password,
        "Văn phòng Ủy ban nhân dân tỉnh Vĩnh Long",
    )
    .await?;
    accounts.insert(0, admin);
    Ok(SeedOutcome::Seeded(accounts))
}

#[allow(clippy::too_many_arguments)]
async fn create_demo_user(
    store: &Store,
    system: &Actor,
    username: &str,
    full_name: &str,
    position: &str,
    unit_id: i64,
    roles: Vec<Role>,
    password: &str,
    agency_name: &str,
) -> anyhow::Result<DemoAccount> {
    let pw = password.to_string();
    let password_hash = tokio::task::spawn_blocking(move || hash_password(&pw)).await??;
    let role_labels = roles
        .iter()
        .map(|r| r.label())
        .collect::<Vec<_>>()
        .join(", ");
    let user = store
        .create_user(
            system,
            NewUser {
                username: username.into(),
                fields: UserFields {
                    full_name: full_name.into(),
                    position: Some(position.into()),
                    email: Some(format!("{username}@vinhlong.gov.vn")),
                    phone: None,
                    unit_id,
                    roles,
                },
                password_hash,
                must_change_password: false,
            },
        )
        .await?;
    // The demo remote signing provider (`vanban csc serve`, started by `make run`) knows the leaders by their
    // user names: set as their identifier there, so registering their remote credential is one tap.
    if username.starts_with("lanhdao.") {
        store
            .set_remote_signing_id(system, user.id, Some(username))
            .await?;
    }
    Ok(DemoAccount {
        username: username.into(),
        full_name: full_name.into(),
        agency: agency_name.into(),
        roles: role_labels,
    })
}

/// The accounts as a table for the terminal.
pub fn format_accounts(accounts: &[DemoAccount], password: &str) -> String {
    let mut out = String::from("Tài khoản demo (mật khẩu chung: ");
    out.push_str(password);
    out.push_str(")\n");
    for a in accounts {
        out.push_str(&format!(
            "  {:<22} {:<28} {:<22} {}\n",
            a.username, a.full_name, a.roles, a.agency
        ));
    }
    out
}
