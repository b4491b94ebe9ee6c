//! Demo appeals: the zone's categories and routing rules (entered through the use case, as a
//! leader would), and a year of appeals across categories and departments with realistic timing
//! — most on time, some late, some reopened after a low rating, recent ones still open. Also
//! what `cargo xtask bench appeals` loads at scale.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use yuanqu_domain::appeal::sla::{self, Timing};
use yuanqu_domain::appeal::{Channel, State};
use yuanqu_store::appeal::{self as q, AppealRow, EventRow, HandlerRow};

use super::rules::{self, CategorySpec, RouteSpec, co_ids, route_for};
use super::{apply_timing, calendar_for, handler_rows, rules_of};
use crate::audit::{self, By, Entry};
use crate::{Actor, App, AppError, RequestCtx, Uuid};

/// A demo category: its rules, where it is routed, how often it comes.
struct DemoCategory {
    code: &'static str,
    name: &'static str,
    limits: [&'static str; 3],
    yellow_pct: i64,
    pause: bool,
    lead: Option<&'static str>,
    co: Option<&'static str>,
    weight: u32,
}

#[expect(clippy::too_many_arguments, reason = "a table row constructor")]
const fn cat(
    code: &'static str,
    name: &'static str,
    limits: [&'static str; 3],
    yellow_pct: i64,
    pause: bool,
    lead: Option<&'static str>,
    co: Option<&'static str>,
    weight: u32,
) -> DemoCategory {
    DemoCategory { code, name, limits, yellow_pct, pause, lead, co, weight }
}

const CATEGORIES: [DemoCategory; 7] = [
    cat("land", "用地", ["1wd", "3wd", "15wd"], 80, true, Some("自然资源和规划局"), None, 14),
    cat("labour", "用工", ["1wd", "3wd", "10wd"], 80, true, Some("人力资源和社会保障局"), None, 18),
    cat("permit", "审批许可", ["1wd", "2wd", "10wd"], 75, true, Some("行政审批局"), None, 16),
    cat("finance", "融资", ["1wd", "3wd", "15wd"], 80, true, Some("经济发展局"), Some("企业服务中心"), 15),
    cat("utility", "水电气与污水", ["4h", "1wd", "5wd"], 60, false, Some("住建和环保局"), Some("企业服务中心"), 17),
    cat("policy", "政策咨询", ["1wd", "2wd", "5wd"], 80, false, Some("经济发展局"), None, 14),
    cat("other", "其他", ["1wd", "3wd", "15wd"], 80, true, None, None, 6),
];

/// The departments the demo routes to (created by the caller if missing).
pub const DEPARTMENTS: [&str; 6] =
    ["自然资源和规划局", "人力资源和社会保障局", "行政审批局", "住建和环保局", "经济发展局", "企业服务中心"];

const TITLES: [(&str, &[&str]); 7] = [
    ("land", &["二期厂房用地指标不足", "土地证办理进度缓慢", "厂区扩建用地规划调整", "闲置地块盘活申请"]),
    ("labour", &["招工难，缺熟练焊工", "春节后返岗率低", "技能人才补贴申请", "员工子女入学咨询"]),
    ("permit", &["环评审批时间过长", "消防验收预约困难", "施工许可证办理", "排污许可证延续"]),
    ("finance", &["流动资金贷款需求", "设备更新贷款贴息", "应收账款融资对接", "上市辅导咨询"]),
    ("utility", &["污水管网容量不足", "频繁停电影响生产", "天然气接入申请", "厂区道路积水"]),
    ("policy", &["技改补助政策咨询", "研发费用加计扣除", "规上企业奖励兑现", "出口退税进度"]),
    ("other", &["周边交通拥堵", "快递物流网点设置", "员工宿舍配套", "厂区周边治安"]),
];

/// The zone's appeal rules as the demo leader enters them.
pub async fn set_rules(app: &App, leader: &Actor, departments: &HashMap<String, Uuid>) -> Result<(), AppError> {
    let cats = CATEGORIES
        .iter()
        .map(|c| CategorySpec {
            id: None,
            code: c.code.into(),
            name: c.name.into(),
            accept_limit: c.limits[0].into(),
            answer_limit: c.limits[1].into(),
            resolve_limit: c.limits[2].into(),
            yellow_pct: c.yellow_pct,
            pause_when_waiting: c.pause,
            active: true,
        })
        .collect();
    let routes = CATEGORIES
        .iter()
        .filter_map(|c| {
            let lead = departments.get(c.lead?)?;
            Some(RouteSpec {
                category_code: Some(c.code.into()),
                park_id: None,
                department_id: *lead,
                co_department_ids: c.co.and_then(|d| departments.get(d)).copied().into_iter().collect(),
            })
        })
        .collect();
    rules::set(app, leader, cats, routes, &RequestCtx::default()).await?;
    Ok(())
}

/// Who acts in the generated stories.
pub struct Cast {
    /// The staff account of each department that has one (its events carry that name).
    pub staff: HashMap<Uuid, Uuid>,
    pub leader: Option<Uuid>,
    /// Enterprise accounts by enterprise.
    pub enterprise_users: HashMap<Uuid, Uuid>,
}

/// How many appeals over how many days before now, from which random seed.
pub struct Volume {
    pub count: usize,
    pub days: i64,
    pub seed: u64,
    /// Percent of the appeals generated still open: received in the last two days and not yet
    /// accepted (`yuanqu demo --open-share`, for the escalation sweep's benchmark). `None`: only
    /// the recent ones that the story leaves open, as the demo always had.
    pub open_pct: Option<u8>,
}

/// Generates appeals received over the period among `enterprises` (id, park), the first of which
/// (the demo enterprise account's) gets a few of its own. Inserted in batches, with one audit
/// record.
pub async fn load(
    app: &App,
    zone_id: Uuid,
    enterprises: &[(Uuid, Option<Uuid>)],
    cast: &Cast,
    Volume { count, days, seed, open_pct }: Volume,
    by: &By,
) -> Result<usize, AppError> {
    if enterprises.is_empty() || count == 0 {
        return Ok(0);
    }
    let mut rng = StdRng::seed_from_u64(seed);
    let now = app.now();
    let c = app.db.conn();
    let categories = q::categories(&c, zone_id).await?;
    let routes = q::routes(&c, zone_id).await?;
    let cal = calendar_for(app, zone_id, now - Duration::days(days + 2)).await?;
    let weights: Vec<u32> =
        categories.iter().map(|k| CATEGORIES.iter().find(|c| c.code == k.code).map_or(5, |c| c.weight)).collect();
    let total_weight: u32 = weights.iter().sum::<u32>().max(1);
    let mut codes = HashSet::new();
    let (mut rows, mut handlers, mut events) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..count {
        // The demo enterprise files one in every 150 or so, and its latest are recent.
        let ent = if i % 150 == 0 { enterprises[0] } else { enterprises[rng.gen_range(0..enterprises.len())] };
        let mut roll = rng.gen_range(0..total_weight);
        let mut k = 0;
        while k + 1 < weights.len() && roll >= weights[k] {
            roll -= weights[k];
            k += 1;
        }
        let Some(category) = categories.get(k) else { break };
        let rules = rules_of(category)?;
        // Every hundredth-share `i % 100 < pct` is kept open: received in the last two days.
        let keep_open = open_pct.is_some_and(|pct| i % 100 < usize::from(pct));
        // Received on a working day in office hours (a few at weekends), spread over the period.
        let span = if keep_open { 2 * 24 * 60 } else { (days * 24 * 60).max(31) };
        let back = Duration::minutes(rng.gen_range(30..span));
        let mut received = now - back;
        let day = sla::local_day(received);
        if !cal.is_working_day(day) && rng.gen_range(0..10) < 8 {
            received -= Duration::days(if day.format("%u").to_string() == "6" { 1 } else { 2 });
        }
        let id = loop {
            let id = Uuid::now_v7();
            let code = super::intake::code_of(id, received);
            if codes.insert(code) {
                break id;
            }
        };
        let (s, h, e) =
            story(&mut rng, &cal, &rules, category.id, &routes, ent, id, zone_id, received, now, cast, keep_open);
        rows.push(s);
        handlers.extend(h);
        events.extend(e);
    }
    let n = rows.len();
    let by = by.clone();
    for (chunk_rows, chunk_ids) in
        rows.chunks(2000).map(|r| (r.to_vec(), r.iter().map(|a| a.id).collect::<HashSet<_>>()))
    {
        let hs: Vec<HandlerRow> = handlers.iter().filter(|h| chunk_ids.contains(&h.appeal_id)).cloned().collect();
        let es: Vec<EventRow> = events.iter().filter(|e| chunk_ids.contains(&e.appeal_id)).cloned().collect();
        app.db
            .write(|c| {
                let (r, h, e) = (chunk_rows.clone(), hs.clone(), es.clone());
                Box::pin(async move { q::insert_appeals(c, r, h, e).await.map_err(AppError::from) })
            })
            .await?;
    }
    app.db
        .write(|c| {
            let by = by.clone();
            Box::pin(async move {
                let e = Entry::new("demo.appeals", "zone", Some(zone_id)).after(serde_json::json!({"appeals": n}));
                audit::record(c, now, &by, &RequestCtx::default(), e).await
            })
        })
        .await?;
    Ok(n)
}

/// One appeal's life up to now: its row, departments and timeline.
#[expect(clippy::too_many_arguments, reason = "one generated story needs all of it")]
fn story(
    rng: &mut StdRng,
    cal: &yuanqu_domain::calendar::WorkCalendar,
    rules: &yuanqu_domain::appeal::Rules,
    category_id: Uuid,
    routes: &[yuanqu_store::appeal::RouteRow],
    (enterprise_id, park_id): (Uuid, Option<Uuid>),
    id: Uuid,
    zone_id: Uuid,
    received: DateTime<Utc>,
    now: DateTime<Utc>,
    cast: &Cast,
    keep_open: bool,
) -> (AppealRow, Vec<HandlerRow>, Vec<EventRow>) {
    let code = CATEGORIES.iter().find(|c| rules_matches(c, rules)).map_or("other", |c| c.code);
    let titles = TITLES.iter().find(|t| t.0 == code).map_or(&TITLES[6].1, |t| &t.1);
    let title = titles[rng.gen_range(0..titles.len())].to_owned();
    let route = route_for(routes, category_id, park_id);
    let channel = match rng.gen_range(0..10) {
        0..6 => Channel::Online,
        6..8 => Channel::Phone,
        8 => Channel::WalkIn,
        _ => Channel::Visit,
    };
    let mut ev = Vec::new();
    let mut push = |at: DateTime<Utc>,
                    actor: Option<Uuid>,
                    action: &str,
                    from: Option<State>,
                    to: State,
                    note: &str,
                    data: serde_json::Value| {
        ev.push(EventRow {
            id: Uuid::now_v7(),
            zone_id,
            appeal_id: id,
            at,
            actor_id: actor,
            action: action.into(),
            from_state: from.map(|s| s.code().into()),
            to_state: to.code().into(),
            note: note.into(),
            data: data.to_string(),
        });
    };
    let filer = cast.enterprise_users.get(&enterprise_id).copied();
    push(received, filer, "submit", None, State::Submitted, "", serde_json::json!({"channel": channel.code()}));
    let mut t = Timing { received_at: received, open: true, ..Timing::default() };
    let mut state = State::Submitted;
    let mut department = None;
    let mut dispatched_at = None;
    let h = |m: i64| Duration::minutes(m);
    // Dispatch: by rule at once, or by a leader within a working day.
    let (lead, co) = match route {
        Some(r) => {
            push(
                received,
                None,
                "route",
                Some(state),
                State::Dispatched,
                "",
                serde_json::json!({"department_id": r.department_id}),
            );
            (Some(r.department_id), co_ids(r))
        }
        None => (cast.staff.keys().next().copied(), Vec::new()),
    };
    let mut at = received;
    let mut step = |mins: i64| {
        at += h(mins);
        at
    };
    if let Some(d) = lead {
        if route.is_none() {
            let when = step(rng.gen_range(20..300));
            if when < now {
                push(
                    when,
                    cast.leader,
                    "dispatch",
                    Some(state),
                    State::Dispatched,
                    "请牵头办理",
                    serde_json::json!({"department_id": d}),
                );
            } else {
                return finish(
                    rows_of(
                        id,
                        zone_id,
                        enterprise_id,
                        park_id,
                        category_id,
                        title,
                        channel,
                        filer,
                        State::Submitted,
                        None,
                        None,
                        received,
                    ),
                    rules,
                    cal,
                    &t,
                    now,
                    ev,
                    Vec::new(),
                );
            }
        }
        state = State::Dispatched;
        department = Some(d);
        dispatched_at = Some(at);
    }
    let staff = department.and_then(|d| cast.staff.get(&d).copied());
    // Late in about one case in ten at each stage.
    let late = |rng: &mut StdRng, due: DateTime<Utc>, from: DateTime<Utc>| -> i64 {
        let span = (due - from).num_minutes().max(60);
        if rng.gen_range(0..100) < 9 {
            span + rng.gen_range(60..(span / 2 + 120))
        } else {
            rng.gen_range(10..(span * 7 / 10).max(11))
        }
    };
    let d = sla::deadlines(cal, rules, &t);
    let accept_at = at + h(late(rng, d.accept_due, at));
    let mut events_done = true;
    if accept_at < now && !keep_open {
        push(accept_at, staff, "accept", Some(state), State::Accepted, "", serde_json::json!({}));
        state = State::Accepted;
        t.accepted_at = Some(accept_at);
        let answer_at =
            accept_at + h(late(rng, sla::deadlines(cal, rules, &t).resolve_due, accept_at).min(60 * 24 * 30));
        let reply_at = accept_at + h(rng.gen_range(30..600));
        if reply_at < now && reply_at < answer_at {
            push(
                reply_at,
                staff,
                "reply",
                Some(state),
                State::InProgress,
                "已联系企业，正在协调",
                serde_json::json!({}),
            );
            state = State::InProgress;
            t.first_answer_at = Some(reply_at);
        }
        if answer_at < now {
            push(answer_at, staff, "answer", Some(state), State::Answered, "已协调解决，请确认", serde_json::json!({}));
            state = State::Answered;
            t.first_answer_at.get_or_insert(answer_at);
            t.answered_at = Some(answer_at);
            let rate_at = answer_at + h(rng.gen_range(60..60 * 48));
            if rate_at < now {
                let rating: i64 = match rng.gen_range(0..100) {
                    0..6 => rng.gen_range(1..=2),
                    6..16 => 3,
                    16..45 => 4,
                    _ => 5,
                };
                if rating <= 2 {
                    push(
                        rate_at,
                        filer,
                        "rate",
                        Some(state),
                        State::Reopened,
                        "问题没有根本解决",
                        serde_json::json!({"rating": rating}),
                    );
                    state = State::Reopened;
                    t.answered_at = None;
                    let restart_at = rate_at + h(rng.gen_range(60..60 * 24));
                    if restart_at < now {
                        push(
                            restart_at,
                            cast.leader,
                            "restart",
                            Some(state),
                            State::InProgress,
                            "已电话回访，请重新办理",
                            serde_json::json!({}),
                        );
                        state = State::InProgress;
                        let again = restart_at + h(rng.gen_range(60 * 24..60 * 24 * 7));
                        if again < now {
                            push(
                                again,
                                staff,
                                "answer",
                                Some(state),
                                State::Answered,
                                "已制定长效解决方案",
                                serde_json::json!({}),
                            );
                            state = State::Answered;
                            t.answered_at = Some(again);
                            let r2 = again + h(rng.gen_range(60..60 * 24));
                            if r2 < now {
                                push(
                                    r2,
                                    filer,
                                    "rate",
                                    Some(state),
                                    State::Confirmed,
                                    "满意",
                                    serde_json::json!({"rating": 4}),
                                );
                                state = State::Confirmed;
                            }
                        }
                    }
                } else {
                    push(
                        rate_at,
                        filer,
                        "rate",
                        Some(state),
                        State::Confirmed,
                        "",
                        serde_json::json!({"rating": rating}),
                    );
                    state = State::Confirmed;
                }
            }
        }
    } else {
        events_done = false;
    }
    let _ = events_done;
    let ratings: Vec<i64> = ev
        .iter()
        .filter(|e| e.action == "rate")
        .filter_map(|e| serde_json::from_str::<serde_json::Value>(&e.data).ok()?["rating"].as_i64())
        .collect();
    let closed = ev.last().map(|e| e.at).filter(|_| state.is_final());
    let mut row = rows_of(
        id,
        zone_id,
        enterprise_id,
        park_id,
        category_id,
        title,
        channel,
        filer,
        state,
        department,
        dispatched_at,
        received,
    );
    row.rating = ratings.last().map(|r| i32::try_from(*r).unwrap_or(5));
    row.closed_at = closed;
    let handlers = department.map(|d| handler_rows(zone_id, id, d, &co)).unwrap_or_default();
    finish(row, rules, cal, &t, now, ev, handlers)
}

fn rules_matches(c: &DemoCategory, r: &yuanqu_domain::appeal::Rules) -> bool {
    [r.accept.code(), r.answer.code(), r.resolve.code()] == c.limits.map(str::to_owned)
        && i64::from(r.yellow_pct) == c.yellow_pct
}

fn finish(
    mut row: AppealRow,
    rules: &yuanqu_domain::appeal::Rules,
    cal: &yuanqu_domain::calendar::WorkCalendar,
    t: &Timing,
    now: DateTime<Utc>,
    ev: Vec<EventRow>,
    handlers: Vec<HandlerRow>,
) -> (AppealRow, Vec<HandlerRow>, Vec<EventRow>) {
    apply_timing(&mut row, t, cal, rules);
    // Late ones already escalated as far as they go: the sweep picks up only what is due now.
    if let (Some(due), Some(_)) = (row.next_due_at, row.escalate_at)
        && now - due > Duration::days(3)
    {
        row.escalation_level = 2;
        row.escalate_at = None;
    }
    row.updated_at = ev.last().map_or(row.received_at, |e| e.at);
    (row, handlers, ev)
}

#[expect(clippy::too_many_arguments, reason = "a row literal in one place")]
fn rows_of(
    id: Uuid,
    zone_id: Uuid,
    enterprise_id: Uuid,
    park_id: Option<Uuid>,
    category_id: Uuid,
    title: String,
    channel: Channel,
    filer: Option<Uuid>,
    state: State,
    department: Option<Uuid>,
    dispatched_at: Option<DateTime<Utc>>,
    received: DateTime<Utc>,
) -> AppealRow {
    AppealRow {
        id,
        zone_id,
        code: super::intake::code_of(id, received),
        enterprise_id,
        park_id,
        category_id,
        description: format!("{title}，影响正常生产经营，恳请管委会协调解决。"),
        title,
        urgency: "normal".into(),
        identity_shown: false,
        channel: channel.code().into(),
        filed_by: filer,
        state: state.code().into(),
        department_id: department,
        received_at: received,
        dispatched_at,
        accepted_at: None,
        first_answer_at: None,
        answered_at: None,
        closed_at: None,
        accept_due: received,
        answer_due: received,
        resolve_due: received,
        yellow_at: None,
        next_due_at: None,
        next_stage: None,
        paused_days: 0,
        paused_seconds: 0,
        paused_at: None,
        extension_days: 0,
        escalate_at: None,
        escalation_level: 0,
        rating: None,
        rating_comment: None,
        merged_into: None,
        version: 1,
        created_at: received,
        updated_at: received,
    }
}
