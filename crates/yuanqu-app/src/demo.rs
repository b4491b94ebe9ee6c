//! The demo zone's economy (issue 4): ~1,000 fictional enterprises in five parks with a
//! realistic industry mix, and years of monthly statistics with seasonality (the Spring
//! Festival dip in February), growth, a few decliners and late reporters, annual above-scale
//! output of about 100 billion yuan. Deterministic (a seeded generator), loaded in one
//! transaction with one audit record. `cargo xtask bench stats` loads the same shape.

use chrono::NaiveDate;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use yuanqu_domain::stats::Period;
use yuanqu_domain::uscc::check_char;
use yuanqu_store::entity::{enterprise_status_change, enterprise_tag, stat_report, stat_target};
use yuanqu_store::identity::EnterpriseRow;
use yuanqu_store::{Uuid, demo as bulk, stats::rollup};

use crate::audit::{self, By, Entry};
use crate::{App, AppError, RequestCtx};

/// What kind of park, which decides its industry mix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParkKind {
    Food,
    Textile,
    Mixed,
    Machinery,
    Logistics,
}

impl ParkKind {
    /// GB/T 4754 divisions with weights, and a word for company names.
    fn mix(self) -> &'static [(&'static str, u32, &'static str)] {
        match self {
            Self::Food => {
                &[("13", 35, "粮油"), ("14", 30, "食品"), ("15", 15, "饮品"), ("22", 10, "纸业"), ("29", 10, "包装")]
            }
            Self::Textile => &[("17", 25, "纺织"), ("18", 30, "服饰"), ("19", 35, "鞋业"), ("29", 10, "塑胶")],
            Self::Mixed => {
                &[("26", 15, "化工"), ("30", 30, "陶瓷"), ("39", 20, "电子"), ("33", 20, "五金"), ("41", 15, "工艺")]
            }
            Self::Machinery => &[("34", 35, "机械"), ("35", 30, "装备"), ("38", 20, "电气"), ("33", 15, "精密")],
            Self::Logistics => &[("59", 40, "仓储"), ("58", 30, "物流"), ("54", 20, "运输"), ("51", 10, "贸易")],
        }
    }
}

/// The shape of the data to generate.
#[derive(Debug, Clone)]
pub struct Spec {
    pub enterprises: usize,
    /// Months of statistics ending at `last` (inclusive).
    pub months: i32,
    pub last: Period,
    /// Enterprises whose `last` month is left unreported (the demo enterprise account files it).
    pub leave_last_open: Vec<String>,
    pub seed: u64,
}

/// An enterprise the demo names itself (it has accounts bound to it): name, USCC body, park index.
pub struct Named {
    pub name: &'static str,
    pub uscc_body: &'static str,
    pub park: usize,
    pub division: &'static str,
}

pub struct Loaded {
    pub enterprises: Vec<EnterpriseRow>,
    /// Every report written (tests recompute the dashboard from them).
    pub reports: Vec<stat_report::Model>,
}

const SEASON: [f64; 12] = [0.97, 0.62, 1.0, 1.02, 1.03, 1.04, 1.02, 1.03, 1.05, 1.04, 1.06, 1.12];
const FIRST: &str = "鸿泰华盛恒远金源永新宏达利丰嘉顺兴隆瑞安德明信诚天成海峰佳荣凯旋博创";
const SECOND: &str = "昌辉发茂福祥和美晟鑫业洋邦润晖达泽宇通锦航";
const SUFFIX: [&str; 4] = ["有限公司", "股份有限公司", "科技有限公司", "实业有限公司"];

fn normal(rng: &mut StdRng) -> f64 {
    // Box–Muller.
    let (u1, u2): (f64, f64) = (rng.gen_range(f64::EPSILON..1.0), rng.gen_range(0.0..1.0));
    (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
}

fn uscc(body: &str) -> String {
    format!("{body}{}", check_char(body).unwrap_or('0'))
}

struct Profile {
    row: EnterpriseRow,
    /// Annual output (or revenue for logistics) in the last full year, yuan.
    annual: f64,
    industrial: bool,
    growth: f64,
    decliner: bool,
    revenue_ratio: f64,
    margin: f64,
    tax_rate: f64,
    yuan_per_kwh: f64,
    yuan_per_worker: f64,
    rd_rate: f64,
    /// Reports stop before this period (closed or moved out).
    stops: Option<Period>,
}

/// Generates and loads the registry and the statistics. `parks` are the zone's parks in order
/// with their kinds; `named` come first, with their given names and USCCs.
pub async fn load_economy(
    app: &App,
    zone_id: Uuid,
    parks: &[(Uuid, ParkKind)],
    named: &[Named],
    spec: &Spec,
    by: &By,
) -> Result<Loaded, AppError> {
    let mut rng = StdRng::seed_from_u64(spec.seed);
    let now = app.now();
    let first = spec.last.plus(1 - spec.months);
    let mut names = std::collections::HashSet::new();
    let mut profiles: Vec<Profile> = Vec::with_capacity(spec.enterprises);
    let first_chars: Vec<char> = FIRST.chars().collect();
    let second_chars: Vec<char> = SECOND.chars().collect();
    for i in 0..spec.enterprises.max(named.len()) {
        let (park_idx, division, name, body) = if let Some(n) = named.get(i) {
            (n.park, n.division.to_owned(), n.name.to_owned(), n.uscc_body.to_owned())
        } else {
            // Parks by weight: food 22 %, textiles and shoes 28 %, mixed 18 %, machinery 20 %, logistics 12 %.
            let roll = rng.gen_range(0..100);
            let park_idx = match roll {
                0..22 => 0,
                22..50 => 1,
                50..68 => 2,
                68..88 => 3,
                _ => 4,
            }
            .min(parks.len().saturating_sub(1));
            let mix = parks[park_idx].1.mix();
            let total: u32 = mix.iter().map(|m| m.1).sum();
            let mut pick = rng.gen_range(0..total);
            let (division, word) = mix
                .iter()
                .find(|m| {
                    if pick < m.1 {
                        true
                    } else {
                        pick -= m.1;
                        false
                    }
                })
                .map(|m| (m.0, m.2))
                .unwrap_or((mix[0].0, mix[0].2));
            let name = loop {
                let a = first_chars[rng.gen_range(0..first_chars.len())];
                let b = second_chars[rng.gen_range(0..second_chars.len())];
                let candidate = format!("{a}{b}{word}{}", SUFFIX[rng.gen_range(0..SUFFIX.len())]);
                if !names.contains(&candidate) {
                    break candidate;
                }
            };
            (park_idx, division.to_owned(), name, format!("91350582MA2Y{i:05}"))
        };
        names.insert(name.clone());
        let industrial = !matches!(parks[park_idx].1, ParkKind::Logistics);
        // Annual output, yuan: lognormal, median 53 million (revenue 15 million for logistics).
        let median = if industrial { 5.3e7 } else { 1.5e7 };
        let annual = if i < named.len() { median * 8.0 } else { median * (1.25 * normal(&mut rng)).exp() };
        let decliner = i >= named.len() && rng.gen_range(0..100) < 4;
        let status_roll = rng.gen_range(0..100);
        let (status, stops) = match status_roll {
            0 if i >= named.len() => ("closed", Some(spec.last.plus(-rng.gen_range(6..30)))),
            1 if i >= named.len() => ("moved_out", Some(spec.last.plus(-rng.gen_range(3..20)))),
            2 if i >= named.len() => ("suspended", None),
            _ => ("operating", None),
        };
        let land_mu = if industrial {
            (annual / rng.gen_range(3.0e6..8.0e6)).clamp(3.0, 400.0)
        } else {
            rng.gen_range(20.0..90.0)
        };
        let founded = NaiveDate::from_ymd_opt(rng.gen_range(1992..2021), rng.gen_range(1..=12), rng.gen_range(1..=28));
        let yuan_per_worker = rng.gen_range(6.0e5..1.6e6);
        let row = EnterpriseRow {
            id: Uuid::now_v7(),
            zone_id,
            park_id: parks[park_idx].0,
            name,
            uscc: uscc(&body),
            version: 1,
            created_at: now,
            industry_code: Some(division),
            above_scale: false,
            above_scale_since: None,
            registered_capital_fen: Some((rng.gen_range(500.0..10_000.0_f64).round() as i64) * 1_000_000),
            founded_on: founded,
            address: Some(format!(
                "福建省晋江市经济开发区{}路{}号",
                ["安东", "五里", "食品", "聚源", "创业"][park_idx % 5],
                rng.gen_range(1..400)
            )),
            longitude_e6: Some(118_550_000 + rng.gen_range(0..80_000)),
            latitude_e6: Some(24_760_000 + rng.gen_range(0..60_000)),
            land_area_centi_mu: Some((land_mu * 100.0).round() as i64),
            floor_area_m2: Some((land_mu * 666.7 * rng.gen_range(0.9..2.2)).round() as i64),
            employees: Some(((annual / yuan_per_worker).max(8.0)).round() as i32),
            status: status.to_owned(),
            status_since: founded,
            updated_at: None,
        };
        profiles.push(Profile {
            row,
            annual,
            industrial,
            growth: 0.07 + 0.06 * normal(&mut rng),
            decliner,
            revenue_ratio: rng.gen_range(0.92..1.08),
            margin: 0.06 + 0.04 * normal(&mut rng),
            tax_rate: rng.gen_range(0.03..0.06),
            yuan_per_kwh: if industrial { rng.gen_range(12.0..70.0) } else { 120.0 },
            yuan_per_worker,
            rd_rate: if rng.gen_range(0..100) < 20 { 0.0 } else { rng.gen_range(0.003..0.04) },
            stops,
        });
    }

    let mut reports = Vec::new();
    let mut tags = Vec::new();
    let mut changes = Vec::new();
    let last_year = spec.last.year() - 1;
    let mut above_total_by_year = std::collections::BTreeMap::<i32, i64>::new();
    for p in &mut profiles {
        // Yearly output level: `annual` is the last full year; earlier years shrink by growth.
        let level = |y: i32| p.annual * (1.0 + p.growth).powi(y - last_year);
        // The above-scale list of a year is decided by the previous year's output (≥ 20 million).
        let above = |y: i32| p.industrial && level(y - 1) >= 2.0e7;
        let mut period = first;
        let mut since = None;
        while period <= spec.last {
            let y = period.year();
            if y > first.year() && above(y) != above(y - 1) {
                since = NaiveDate::from_ymd_opt(y, 1, 1);
            }
            let open = period == spec.last && spec.leave_last_open.contains(&p.row.name);
            let stopped = p.stops.is_some_and(|s| period >= s);
            if !open && !stopped {
                let m = period.month() as usize - 1;
                let mut v = level(y) / 12.0 * SEASON[m] * (1.0 + 0.05 * normal(&mut rng));
                if p.decliner && spec.last.months_until(period) > -14 {
                    v *= 0.62;
                }
                let v = v.max(0.0);
                let (output, revenue) = if p.industrial { (v, v * p.revenue_ratio) } else { (0.0, v) };
                let fen = |yuan: f64| (yuan * 100.0).round() as i64;
                let workers = (level(y) / p.yuan_per_worker * if m == 1 { 0.85 } else { 1.0 }).max(5.0);
                let state = if period == spec.last {
                    match rng.gen_range(0..100) {
                        0..6 => "submitted",
                        6..11 => "late",
                        _ => "verified",
                    }
                } else {
                    "verified"
                };
                if state != "late" {
                    // Filed in the first two weeks of the next month (a few after the 15th
                    // deadline), at 09:00 Beijing time; verified two days later; never in the future.
                    let late_day = rng.gen_range(0..100) < 3;
                    let offset = if late_day { rng.gen_range(15..25) } else { rng.gen_range(0..13) };
                    let filed = (period.next().first_day() + chrono::Duration::days(offset))
                        .and_hms_opt(1, 0, 0)
                        .unwrap_or_default()
                        .and_utc()
                        .min(now);
                    let checked = (filed + chrono::Duration::days(2)).min(now);
                    let above_now = above(y);
                    if above_now && state == "verified" {
                        *above_total_by_year.entry(y).or_default() += fen(output);
                    }
                    reports.push(stat_report::Model {
                        id: Uuid::now_v7(),
                        zone_id,
                        enterprise_id: p.row.id,
                        period: period.yyyymm(),
                        park_id: p.row.park_id,
                        industry_code: p.row.industry_code.clone(),
                        above_scale: above_now,
                        output_fen: Some(fen(output)),
                        revenue_fen: Some(fen(revenue)),
                        profit_fen: Some(fen(revenue * (p.margin + 0.02 * normal(&mut rng)))),
                        tax_fen: Some(fen(revenue * p.tax_rate)),
                        electricity_kwh: Some((v / p.yuan_per_kwh).round() as i64),
                        employees: Some(workers.round() as i64),
                        rd_fen: Some(fen(revenue * p.rd_rate)),
                        state: state.to_owned(),
                        flags: "[]".to_owned(),
                        return_reason: None,
                        source: if rng.gen_range(0..3) == 0 { "import" } else { "online" }.to_owned(),
                        submitted_at: Some(filed),
                        verified_at: (state == "verified").then_some(checked),
                        verified_by: None,
                        created_at: filed,
                        updated_at: if state == "verified" { checked } else { filed },
                        version: 1,
                    });
                }
            }
            period = period.next();
        }
        p.row.above_scale = above(spec.last.year());
        p.row.above_scale_since = since;
        changes.push(enterprise_status_change::Model {
            id: Uuid::now_v7(),
            zone_id,
            enterprise_id: p.row.id,
            from_status: None,
            to_status: "operating".to_owned(),
            effective_on: p.row.founded_on.unwrap_or_else(|| first.first_day()),
            reason: "设立登记".to_owned(),
            by_user_id: None,
            created_at: now,
        });
        if p.row.status != "operating" {
            let on = p.stops.unwrap_or(spec.last.plus(-2)).first_day();
            p.row.status_since = Some(on);
            changes.push(enterprise_status_change::Model {
                id: Uuid::now_v7(),
                zone_id,
                enterprise_id: p.row.id,
                from_status: Some("operating".to_owned()),
                to_status: p.row.status.clone(),
                effective_on: on,
                reason: match p.row.status.as_str() {
                    "closed" => "经营不善注销",
                    "moved_out" => "迁出园区",
                    _ => "停产整改",
                }
                .to_owned(),
                by_user_id: None,
                created_at: now,
            });
        }
        let mut tag = |t: &str| {
            tags.push(enterprise_tag::Model { zone_id, enterprise_id: p.row.id, tag: t.to_owned() });
        };
        if p.industrial && p.rd_rate >= 0.03 {
            tag("高新技术企业");
        }
        if p.industrial && p.rd_rate >= 0.035 && p.annual < 2.0e8 {
            tag("专精特新");
        }
        if matches!(p.row.industry_code.as_deref(), Some("18" | "19" | "17")) && p.revenue_ratio > 1.02 {
            tag("出口型");
        }
        if p.annual >= 1.0e9 {
            tag("纳税大户");
        }
        if p.decliner {
            tag("重点帮扶");
        }
    }
    let targets: Vec<stat_target::Model> = above_total_by_year
        .iter()
        .filter(|(y, _)| **y > spec.last.year() - 3)
        .filter_map(|(y, _)| {
            // The target of a year: the previous year's above-scale output plus 8 % (none
            // without a previous year).
            let base = above_total_by_year.get(&(y - 1)).copied().filter(|b| *b > 0)?;
            Some(stat_target::Model {
                id: Uuid::now_v7(),
                zone_id,
                year: *y,
                metric: "above_output_fen".to_owned(),
                target: base + base * 8 / 100,
                version: 1,
                created_at: now,
            })
        })
        .collect();
    let enterprises: Vec<EnterpriseRow> = profiles.into_iter().map(|p| p.row).collect();
    let n_reports = reports.len();
    let reports = std::sync::Arc::new(reports);
    let periods: Vec<i32> = (0..spec.months).map(|k| first.plus(k).yyyymm()).collect();
    let (rows, by, ctx) = (enterprises.clone(), by.clone(), RequestCtx::default());
    app.db
        .write(|c| {
            let (rows, reports, tags, changes, targets, periods, by, ctx) = (
                rows.clone(),
                reports.clone(),
                tags.clone(),
                changes.clone(),
                targets.clone(),
                periods.clone(),
                by.clone(),
                ctx.clone(),
            );
            Box::pin(async move {
                bulk::insert_enterprises(c, rows.clone()).await?;
                bulk::insert_tags(c, tags).await?;
                bulk::insert_status_changes(c, changes).await?;
                bulk::insert_reports(c, reports.as_ref().clone()).await?;
                bulk::insert_targets(c, targets).await?;
                for p in periods {
                    rollup::rebuild(c, zone_id, p).await?;
                }
                let a = Entry::new("demo.economy", "zone", Some(zone_id))
                    .after(serde_json::json!({"enterprises": rows.len(), "reports": n_reports}));
                audit::record(c, now, &by, &ctx, a).await?;
                Ok::<_, AppError>(())
            })
        })
        .await?;
    Ok(Loaded { enterprises, reports: std::sync::Arc::unwrap_or_clone(reports) })
}

/// The demo's staff account as an actor (the demo acts through the ordinary use cases).
pub fn acting_as(u: &yuanqu_store::identity::UserRow) -> crate::Actor {
    let role = yuanqu_domain::identity::Role::parse(&u.role).unwrap_or(yuanqu_domain::identity::Role::DepartmentStaff);
    crate::Actor {
        user_id: u.id,
        zone_id: u.zone_id,
        login: u.login.clone(),
        role,
        department_id: u.department_id,
        enterprise_id: u.enterprise_id,
        must_change_password: false,
        auth: crate::Auth::Token { token_id: Uuid::nil() },
        department_subtree: u.department_id.into_iter().collect(),
        stage: None,
    }
}

/// Creates, runs and publishes the per-mu evaluation of each year with the default configuration.
pub async fn publish_evaluations(app: &App, actor: &crate::Actor, years: &[i32]) -> Result<(), AppError> {
    use crate::evaluation::{self, NewScheme};
    use crate::idempotency::Created;
    let ctx = RequestCtx::default();
    for year in years {
        let v = match evaluation::create(app, actor, NewScheme { year: *year, config: None }, &ctx, None).await? {
            Created::New(v) => v,
            Created::Replay(_) => return Err(AppError::Internal("replay without a key".into())),
        };
        evaluation::run(app, actor, v.row.id, &ctx).await?;
        evaluation::publish(app, actor, v.row.id, &ctx).await?;
    }
    Ok(())
}
