//! The demo zone's key work under supervision (督查督办, issue 6): for each year, 187 key tasks
//! and 98 key projects across the zone's departments, led by the zone leader, with milestones,
//! the projects' monthly investment plans, weekly progress reports from each item's start until
//! today (most on track, some lagging, a few stalled, some reports missed, items closed once
//! done, a few overdue), the light of every past week computed by walking the weeks with
//! `light::assess` under the default rules exactly as the weekly evaluation would, the items'
//! current lights, and the last three Saturday meetings with their decisions. Deterministic
//! (a seeded generator), inserted in bulk with one audit record. `yuanqu demo
//! --supervision-years 5` loads five years for `cargo xtask bench supervision`.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use yuanqu_domain::Scope;
use yuanqu_domain::supervision::{self as sv, Colour, Facts, InvestmentPlan, LightRules, Milestone, Plan, light};
use yuanqu_store::identity::{DepartmentRow, EnterpriseRow, ParkRow};
use yuanqu_store::supervision::{
    self as q, FollowUpRow, ItemDepartmentRow, ItemRow, LightRow, MeetingRow, MilestoneRow, PlanMonthRow, ReportRow,
};

use crate::audit::{self, By, Entry};
use crate::enterprise::zone_today;
use crate::{App, AppError, RequestCtx, Uuid};

/// How much to generate.
#[derive(Debug, Clone)]
pub struct Spec {
    /// Years of items, ending with the current one (earlier years mostly closed).
    pub years: u32,
    pub tasks: usize,
    pub projects: usize,
    pub seed: u64,
}

impl Default for Spec {
    fn default() -> Self {
        Self { years: 1, tasks: 187, projects: 98, seed: 20_261_128 }
    }
}

/// Who acts: the leader leads every item and chairs the meetings; each department's reports
/// are filed by its staff account, or by `default_reporter` where it has none.
#[derive(Debug, Clone)]
pub struct Cast {
    pub leader: Uuid,
    pub reporters: HashMap<Uuid, Uuid>,
    pub default_reporter: Uuid,
}

/// What was loaded, and the current year's open items by colour.
#[derive(Debug, Clone, Default)]
pub struct Seeded {
    pub items: usize,
    pub open: usize,
    pub reports: usize,
    pub lights: usize,
    pub meetings: usize,
    pub follow_ups: usize,
    pub green: usize,
    pub yellow: usize,
    pub red: usize,
}

const CATEGORIES: [(&str, u32, &[&str], &[&str]); 8] = [
    ("产业发展", 22, &["经济发展局"], &["企业服务中心", "统计科"]),
    ("项目建设", 12, &["住建和环保局", "自然资源和规划局"], &["行政审批局"]),
    ("营商环境", 18, &["行政审批局", "企业服务中心"], &["经济发展局"]),
    ("城市管理", 13, &["住建和环保局"], &["自然资源和规划局"]),
    ("民生保障", 13, &["人力资源和社会保障局", "党政办公室"], &["住建和环保局"]),
    ("党的建设", 9, &["党群工作部"], &["党政办公室"]),
    ("安全生产", 8, &["安全生产监督管理局"], &["住建和环保局"]),
    ("生态环保", 5, &["住建和环保局"], &["安全生产监督管理局"]),
];

const TASK_TITLES: [(&str, &[&str]); 8] = [
    (
        "产业发展",
        &[
            "规上工业增加值增长{n}%",
            "新增规上工业企业{n}家",
            "培育省级专精特新企业{n}家",
            "推动{n}家企业实施智能化技术改造",
            "鞋服产业链延链补链招商",
            "食品产业集群提质升级",
            "新增高新技术企业{n}家",
            "推动{n}家企业上云用数赋智",
            "外贸出口稳增长专项行动",
            "闲置低效工业用地盘活{n}亩",
            "标准化厂房招商入驻率达到{n}%",
            "培育亿元以上龙头企业{n}家",
            "企业研发投入强度提升行动",
            "新材料产业招商引资签约{n}个",
            "推进{n}家企业股改上市辅导",
            "数字经济核心产业增长{n}%",
        ],
    ),
    (
        "项目建设",
        &[
            "重点项目前期工作攻坚",
            "新开工项目{n}个",
            "项目审批“拿地即开工”改革",
            "竣工投产项目{n}个",
            "年度征迁任务{n}亩",
            "重点项目用地报批",
            "项目建设“百日攻坚”行动",
            "省市重点项目投资完成率达到{n}%",
        ],
    ),
    (
        "营商环境",
        &[
            "工程建设项目审批时限压减至{n}个工作日",
            "“一窗通办”企业服务事项{n}项",
            "惠企政策免申即享兑现",
            "企业诉求“马上就办”闭环办理",
            "涉企检查“综合查一次”",
            "企业开办全程网办",
            "政务服务好差评整改",
            "融资对接活动{n}场",
            "“园区管家”挂钩服务企业全覆盖",
            "电力接入“零跑腿”服务",
            "涉企收费专项清理",
            "企业用工对接活动{n}场",
        ],
    ),
    (
        "城市管理",
        &[
            "园区道路“白改黑”{n}公里",
            "背街小巷环境整治{n}条",
            "园区主干道绿化提升",
            "违法建设专项整治",
            "公共停车泊位新增{n}个",
            "园区路灯智能化改造",
            "城市管理网格化全覆盖",
            "园区雨污管网排查修复",
            "沿街立面整治{n}处",
        ],
    ),
    (
        "民生保障",
        &[
            "新增城镇就业{n}人",
            "职业技能培训{n}人次",
            "园区人才公寓配租{n}套",
            "园区职工子女入学保障",
            "园区便民服务中心建设",
            "根治欠薪专项行动",
            "园区职工食堂提升",
            "园区公交线路优化{n}条",
            "职工文体活动{n}场",
        ],
    ),
    (
        "党的建设",
        &[
            "非公企业党组织覆盖提升",
            "“红色园区”党建品牌创建",
            "党员教育培训{n}人次",
            "基层党组织标准化建设",
            "党建引领企业服务“双联系”",
            "清廉园区建设",
            "新就业群体党建工作",
        ],
    ),
    (
        "安全生产",
        &[
            "安全生产治本攻坚三年行动",
            "危化品企业专项检查",
            "消防安全隐患排查整治{n}处",
            "企业安全生产标准化达标{n}家",
            "有限空间作业专项整治",
            "建筑施工安全专项检查",
            "燃气安全排查整治",
            "安全生产宣传培训{n}场",
        ],
    ),
    (
        "生态环保",
        &[
            "重点企业VOCs治理",
            "园区污水处理厂提标改造",
            "工业固废规范处置",
            "扬尘污染专项治理",
            "园区碳排放监测平台建设",
            "河道水质提升",
        ],
    ),
];

const TASK_MILESTONES: [(u8, &str); 6] = [
    (15, "制定工作方案并印发"),
    (30, "完成摸底调查和任务分解"),
    (50, "完成年度任务过半"),
    (70, "完成主体工作"),
    (85, "完成扫尾工作"),
    (95, "完成自查评估"),
];

const PROJECT_MILESTONES: [(u8, &str); 7] = [
    (10, "完成立项备案"),
    (20, "取得施工许可"),
    (30, "开工建设"),
    (50, "完成基础工程"),
    (70, "主体结构封顶"),
    (85, "设备安装调试"),
    (95, "完成竣工验收准备"),
];

/// Per cent of green weeks after which an item slips behind its line.
const SLIP_PCT: u32 = 15;

const PROGRESS: [&str; 10] = [
    "召开推进会，协调解决问题",
    "完成现场踏勘，细化推进计划",
    "对接相关企业，形成工作台账",
    "按周调度，推进各项工作",
    "完成阶段性任务，开展自查",
    "开展专项督导，逐项销号",
    "召开部门联席会议，明确分工",
    "组织现场核查，整改发现问题",
    "与企业座谈，听取意见建议",
    "完成材料报送和数据核对",
];

const CAUSES: [&str; 8] =
    ["审批手续办理", "连续降雨", "资金拨付", "征迁协调", "设备到货延迟", "企业意向变化", "施工队伍不足", "方案调整"];

/// Products for a project's title, by the enterprise's industry (GB/T 4754 division).
fn product(division: Option<&str>) -> &'static str {
    match division.unwrap_or("") {
        "13" => "粮油精深加工",
        "14" => "休闲食品",
        "15" => "功能饮品",
        "17" => "功能性面料",
        "18" => "智能制衣",
        "19" => "运动鞋",
        "22" => "环保纸制品",
        "26" => "化工新材料",
        "29" => "塑胶制品",
        "30" => "新型建材",
        "33" => "精密五金",
        "34" => "智能装备",
        "35" => "专用设备",
        "38" => "电气设备",
        "39" => "电子元器件",
        "41" => "工艺制品",
        "51" | "54" | "58" | "59" => "智慧物流",
        _ => "智能制造",
    }
}

fn short_name(name: &str) -> String {
    let mut s = name.to_owned();
    for suffix in ["股份有限公司", "科技有限公司", "实业有限公司", "有限公司"] {
        if let Some(x) = s.strip_suffix(suffix) {
            s = x.to_owned();
            break;
        }
    }
    s
}

fn pick<'a, T>(rng: &mut StdRng, v: &'a [T]) -> &'a T {
    &v[rng.gen_range(0..v.len())]
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

/// 09:00 (Beijing) on a day, as UTC, never after `now`.
fn at(day: NaiveDate, hour: u32, now: DateTime<Utc>) -> DateTime<Utc> {
    let t = day.and_hms_opt(hour.saturating_sub(8), 0, 0).unwrap_or_default().and_utc();
    t.min(now)
}

/// How an item goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Profile {
    /// On plan, a little ahead.
    Steady,
    /// Falls behind now and then, and catches up once it shows yellow or red.
    Wobbly,
    /// Stops moving at some point; may restart after weeks in red.
    Stalled,
    /// On plan, but often misses its report.
    Sloppy,
}

/// An item generated, before its weeks are walked.
struct Draft {
    item: ItemRow,
    departments: Vec<ItemDepartmentRow>,
    milestones: Vec<MilestoneRow>,
    months: Vec<PlanMonthRow>,
    profile: Profile,
    /// Days ahead of the planned line it works to.
    lead: i64,
    /// A project's investment pace against its plan.
    pace: f64,
}

/// Refs of the zone the demo draws on.
struct Zone {
    departments: Vec<DepartmentRow>,
    by_name: HashMap<String, Uuid>,
    parks: Vec<ParkRow>,
    enterprises: Vec<EnterpriseRow>,
}

impl Zone {
    fn department(&self, rng: &mut StdRng, names: &[&str]) -> Uuid {
        let known: Vec<Uuid> = names.iter().filter_map(|n| self.by_name.get(*n).copied()).collect();
        if known.is_empty() { pick(rng, &self.departments).id } else { *pick(rng, &known) }
    }
}

/// Milestones at even intervals between start and due, targets rising along the planned line.
fn milestones_for(
    rng: &mut StdRng,
    table: &[(u8, &'static str)],
    start: NaiveDate,
    due: NaiveDate,
    n: usize,
) -> Vec<(NaiveDate, u8, &'static str)> {
    let span = (due - start).num_days();
    if span < 40 || n == 0 {
        return Vec::new();
    }
    let mut out: Vec<(NaiveDate, u8, &'static str)> = Vec::new();
    let mut last_pct = 0;
    for k in 1..=n {
        let share = k as f64 / (n + 1) as f64;
        let jitter = rng.gen_range(-0.04..0.04);
        let day = start + Duration::days(((share + jitter).clamp(0.05, 0.95) * span as f64).round() as i64);
        // The target a little under the straight line (the plan bends with its milestones).
        let pct = ((share * 100.0 + rng.gen_range(-6.0..4.0)) / 5.0).round() * 5.0;
        let pct = (pct as i64).clamp(i64::from(last_pct) + 5, 95) as u8;
        if pct <= last_pct || out.last().is_some_and(|m| m.0 >= day) {
            continue;
        }
        let title = table.iter().rev().find(|(t, _)| *t <= pct).map_or(table[0].1, |x| x.1);
        if out.iter().any(|m| m.2 == title) {
            continue;
        }
        out.push((day, pct, title));
        last_pct = pct;
    }
    out
}

fn profile(rng: &mut StdRng) -> Profile {
    match rng.gen_range(0..100) {
        0..66 => Profile::Steady,
        66..86 => Profile::Wobbly,
        86..93 => Profile::Stalled,
        _ => Profile::Sloppy,
    }
}

fn lead_for(rng: &mut StdRng, p: Profile) -> i64 {
    match p {
        Profile::Steady => rng.gen_range(10..24),
        Profile::Sloppy => rng.gen_range(8..18),
        Profile::Wobbly => rng.gen_range(7..15),
        Profile::Stalled => rng.gen_range(4..10),
    }
}

#[expect(clippy::too_many_arguments, reason = "one generated item needs all of it")]
fn base_item(
    zone_id: Uuid,
    kind: &str,
    title: String,
    category: &str,
    year: i32,
    department_id: Uuid,
    start: NaiveDate,
    due: NaiveDate,
    cast: &Cast,
    now: DateTime<Utc>,
) -> ItemRow {
    ItemRow {
        id: Uuid::now_v7(),
        zone_id,
        kind: kind.into(),
        code: String::new(),
        title,
        category: category.into(),
        year,
        source: "plan".into(),
        source_doc: String::new(),
        source_deadline: None,
        lead_user_id: Some(cast.leader),
        department_id,
        start_on: start,
        due_on: due,
        description: String::new(),
        enterprise_id: None,
        owner: String::new(),
        park_id: None,
        project_type: String::new(),
        total_investment_fen: 0,
        year_planned_fen: 0,
        stage: String::new(),
        progress_pct: 0,
        last_report_on: None,
        investment_to_date_fen: 0,
        state: "open".into(),
        closed_at: None,
        closed_note: String::new(),
        colour: "green".into(),
        colour_reasons: "[]".into(),
        colour_week: None,
        created_by: cast.leader,
        created_at: at(start, 9, now),
        version: 1,
    }
}

fn departments_of(rng: &mut StdRng, zone: &Zone, item: &ItemRow, co_names: &[&str]) -> Vec<ItemDepartmentRow> {
    let mut out = vec![ItemDepartmentRow {
        zone_id: item.zone_id,
        item_id: item.id,
        department_id: item.department_id,
        role: "lead".into(),
    }];
    let co = rng.gen_range(0..3);
    for k in 0..co {
        let d = if k == 0 { zone.department(rng, co_names) } else { pick(rng, &zone.departments).id };
        if out.iter().all(|x| x.department_id != d) {
            out.push(ItemDepartmentRow {
                zone_id: item.zone_id,
                item_id: item.id,
                department_id: d,
                role: "co".into(),
            });
        }
    }
    out
}

fn milestone_rows(item: &ItemRow, ms: Vec<(NaiveDate, u8, &'static str)>) -> Vec<MilestoneRow> {
    ms.into_iter()
        .enumerate()
        .map(|(i, (day, pct, title))| MilestoneRow {
            id: Uuid::now_v7(),
            zone_id: item.zone_id,
            item_id: item.id,
            seq: i32::try_from(i).unwrap_or(0),
            title: title.into(),
            due_on: day,
            target_pct: i32::from(pct),
            reached_on: None,
        })
        .collect()
}

/// The year's key tasks.
#[expect(clippy::too_many_arguments, reason = "one generated year needs all of it")]
fn tasks(
    rng: &mut StdRng,
    zone: &Zone,
    cast: &Cast,
    zone_id: Uuid,
    year: i32,
    n: usize,
    last_start: NaiveDate,
    now: DateTime<Utc>,
) -> Vec<Draft> {
    let total: u32 = CATEGORIES.iter().map(|c| c.1).sum();
    let mut used: HashMap<String, u32> = HashMap::new();
    let mut meeting_no = 0;
    let mut doc_no = 0;
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        let mut roll = rng.gen_range(0..total);
        let cat = CATEGORIES
            .iter()
            .find(|c| {
                if roll < c.1 {
                    true
                } else {
                    roll -= c.1;
                    false
                }
            })
            .unwrap_or(&CATEGORIES[0]);
        let titles = TASK_TITLES.iter().find(|t| t.0 == cat.0).map_or(TASK_TITLES[0].1, |t| t.1);
        let template = pick(rng, titles);
        let number = match template {
            t if t.contains("率") => rng.gen_range(85..99),
            t if t.contains('%') => rng.gen_range(6..15),
            t if t.contains("人次") => rng.gen_range(10..60) * 100,
            t if t.contains('亩') || t.contains('人') => rng.gen_range(10..60) * 10,
            t if t.contains("工作日") => rng.gen_range(15..40),
            _ => rng.gen_range(3..30),
        };
        let base = template.replace("{n}", &number.to_string());
        let seen = used.entry(base.clone()).or_default();
        *seen += 1;
        let title = if *seen == 1 {
            base
        } else {
            let park = zone.parks.get((*seen as usize) % zone.parks.len().max(1)).map_or("园区", |p| p.name.as_str());
            format!("{park}{base}")
        };
        let source_roll = rng.gen_range(0..100);
        let jan = ymd(year, 1, 1);
        let dec31 = ymd(year, 12, 31);
        let (source, start, due, doc, deadline) = if source_roll < 70 {
            let start = if rng.gen_range(0..100) < 80 {
                jan + Duration::days(rng.gen_range(4..55))
            } else {
                ymd(year, rng.gen_range(3..8), rng.gen_range(1..28))
            };
            let due = match rng.gen_range(0..100) {
                0..12 => ymd(year, 6, 30),
                12..24 => ymd(year, 9, 30),
                24..32 => ymd(year, 10, 31),
                32..47 => ymd(year, 11, 30),
                _ => dec31,
            };
            let due = if (due - start).num_days() < 75 { dec31 } else { due };
            ("plan", start, due, String::new(), None)
        } else if source_roll < 88 {
            let latest = (last_start - jan).num_days().max(40);
            let start = jan + Duration::days(rng.gen_range(20..latest));
            let due = (start + Duration::days(rng.gen_range(45..150))).min(dec31);
            meeting_no += 1;
            let doc = format!("{year}年第{}期周六扩大会议纪要", meeting_no * 2 + rng.gen_range(0..2));
            ("meeting", start, due, doc, None)
        } else {
            let latest = (last_start - jan).num_days().max(40);
            let start = jan + Duration::days(rng.gen_range(10..latest));
            let deadline = (start + Duration::days(rng.gen_range(30..120))).min(dec31);
            doc_no += rng.gen_range(2..9);
            let doc = if rng.gen_range(0..3) == 0 {
                format!("市政办〔{year}〕{doc_no}号")
            } else {
                format!("园发〔{year}〕{doc_no}号")
            };
            ("higher", start, deadline, doc, Some(deadline))
        };
        let department_id = zone.department(rng, cat.2);
        let mut item = base_item(zone_id, "task", title, cat.0, year, department_id, start, due, cast, now);
        item.source = source.into();
        item.source_doc = doc;
        item.source_deadline = deadline;
        item.description = format!(
            "{}：按照{}要求推进，按周报送进度，按节点完成。",
            item.title,
            sv::Source::parse(source).map_or("", |s| s.name_zh())
        );
        let departments = departments_of(rng, zone, &item, cat.3);
        let n_ms = if (due - start).num_days() < 100 { rng.gen_range(1..3) } else { rng.gen_range(2..5) };
        let ms = milestones_for(rng, &TASK_MILESTONES, start, due, n_ms);
        let milestones = milestone_rows(&item, ms);
        let p = profile(rng);
        out.push(Draft {
            lead: lead_for(rng, p),
            item,
            departments,
            milestones,
            months: Vec::new(),
            profile: p,
            pace: 1.0,
        });
    }
    out
}

/// The year's key projects.
#[expect(clippy::too_many_arguments, reason = "one generated year needs all of it")]
fn projects(
    rng: &mut StdRng,
    zone: &Zone,
    cast: &Cast,
    zone_id: Uuid,
    year: i32,
    n: usize,
    last_start: NaiveDate,
    now: DateTime<Utc>,
) -> Vec<Draft> {
    use sv::ProjectType as T;
    let mut out = Vec::with_capacity(n);
    let mut next_enterprise = rng.gen_range(0..zone.enterprises.len().max(1));
    let mut titles: HashMap<String, u32> = HashMap::new();
    for _ in 0..n {
        let t = match rng.gen_range(0..100) {
            0..56 => T::Industrial,
            56..76 => T::Infrastructure,
            76..87 => T::Livelihood,
            87..93 => T::Tourism,
            _ => T::RealEstate,
        };
        let park = if zone.parks.is_empty() { None } else { Some(pick(rng, &zone.parks).clone()) };
        let park_name = park.as_ref().map_or("园区".to_owned(), |p| p.name.clone());
        let with_enterprise = matches!(t, T::Industrial | T::Tourism | T::RealEstate) && !zone.enterprises.is_empty();
        let enterprise = with_enterprise.then(|| {
            next_enterprise = (next_enterprise + rng.gen_range(1..7)) % zone.enterprises.len();
            zone.enterprises[next_enterprise].clone()
        });
        let (category, lead_names, co_names): (&str, &[&str], &[&str]) = match t {
            T::Industrial => ("先进制造", &["经济发展局"], &["行政审批局", "自然资源和规划局"]),
            T::Infrastructure => ("基础设施", &["住建和环保局"], &["自然资源和规划局"]),
            T::Livelihood => ("民生工程", &["人力资源和社会保障局", "住建和环保局"], &["党政办公室"]),
            T::Tourism => ("文旅融合", &["企业服务中心"], &["住建和环保局"]),
            T::RealEstate => ("城市更新", &["自然资源和规划局"], &["住建和环保局"]),
        };
        let base = match (&enterprise, t) {
            (Some(e), T::Industrial) => {
                let p = product(e.industry_code.as_deref());
                match rng.gen_range(0..4) {
                    0 => format!("{}年产{}万件{}生产线项目", short_name(&e.name), rng.gen_range(10..300) * 10, p),
                    1 => format!("{}{}智能化技改项目", short_name(&e.name), p),
                    2 => format!("{}{}扩建项目", short_name(&e.name), p),
                    _ => format!("{}新建{}厂房项目", short_name(&e.name), p),
                }
            }
            (Some(e), T::Tourism) => format!("{}工业旅游示范点项目", short_name(&e.name)),
            (Some(e), _) => format!("{}职工配套住宅项目", short_name(&e.name)),
            (None, T::Infrastructure) => format!(
                "{park_name}{}",
                pick(
                    rng,
                    &[
                        "道路提升改造工程",
                        "污水管网配套工程",
                        "标准化厂房（三期）",
                        "110千伏变电站配套工程",
                        "智慧园区平台建设",
                        "供水管网改造工程"
                    ]
                )
            ),
            (None, T::Livelihood) => format!(
                "{park_name}{}",
                pick(
                    rng,
                    &["人才公寓建设项目", "职工服务中心项目", "邻里中心项目", "公交首末站项目", "职工子弟学校扩建项目"]
                )
            ),
            (None, _) => {
                format!("{park_name}{}", pick(rng, &["城市更新片区项目", "商业配套综合体项目", "滨水景观带项目"]))
            }
        };
        let seen = titles.entry(base.clone()).or_default();
        *seen += 1;
        let title = if *seen == 1 {
            base
        } else {
            format!("{base}（{}期）", ["", "一", "二", "三", "四", "五", "六"][(*seen as usize).min(6)])
        };
        let jan = ymd(year, 1, 1);
        let start = if rng.gen_range(0..100) < 75 {
            jan + Duration::days(rng.gen_range(1..60))
        } else {
            (jan + Duration::days(rng.gen_range(60..150))).min(last_start)
        };
        let due = match rng.gen_range(0..100) {
            0..10 => ymd(year, 9, 30),
            10..18 => ymd(year, 10, 31),
            _ => ymd(year, 12, 31),
        };
        let department_id = zone.department(rng, lead_names);
        let mut item = base_item(zone_id, "project", title, category, year, department_id, start, due, cast, now);
        item.project_type = t.code().into();
        item.park_id = enterprise.as_ref().map(|e| e.park_id).or(park.as_ref().map(|p| p.id));
        item.enterprise_id = enterprise.as_ref().map(|e| e.id);
        item.owner = match (&enterprise, t) {
            (Some(e), _) => e.name.clone(),
            (None, T::Infrastructure) => "园区城建投资有限公司".into(),
            (None, T::Livelihood) => "园区管委会社会事务办".into(),
            (None, _) => "园区城市更新建设有限公司".into(),
        };
        if rng.gen_range(0..100) < 12 {
            item.source = "higher".into();
            item.source_doc = format!("市发改〔{year}〕{}号", rng.gen_range(10..90));
            item.source_deadline = Some(due);
        }
        // Total investment (fen): lognormal around 300 million yuan for industry, less otherwise.
        let median_yuan = match t {
            T::Industrial => 3.0e8,
            T::Infrastructure => 1.5e8,
            T::RealEstate => 5.0e8,
            _ => 8.0e7,
        };
        let z: f64 = rng.gen_range(-1.6..1.6);
        let total_wan = (median_yuan * z.exp() / 1.0e4).round().max(2_000.0) as i64;
        let continuing = rng.gen_range(0..100) < 55;
        let year_share = if continuing { rng.gen_range(0.25..0.6) } else { rng.gen_range(0.2..0.45) };
        let year_wan = ((total_wan as f64 * year_share).round() as i64).max(500);
        item.total_investment_fen = total_wan * 1_000_000;
        item.year_planned_fen = year_wan * 1_000_000;
        item.stage = if continuing { "construction" } else { "preparation" }.into();
        item.description =
            format!("项目总投资{}万元，{year}年计划投资{}万元，由{}负责建设。", total_wan, year_wan, item.owner);
        // The month plan: nothing before the start month, light in February, heavier late in the year.
        let weights = [0.6, 0.3, 0.9, 1.0, 1.0, 1.0, 1.0, 1.0, 1.1, 1.1, 1.2, 1.2];
        let first = start.month0() as usize;
        let last = due.month0() as usize;
        let w: f64 = (first..=last).map(|m| weights[m]).sum();
        let mut months_wan = [0_i64; 12];
        for m in first..=last {
            months_wan[m] = (year_wan as f64 * weights[m] / w).floor() as i64;
        }
        let assigned: i64 = months_wan.iter().sum();
        months_wan[last] += year_wan - assigned;
        let months: Vec<PlanMonthRow> = months_wan
            .iter()
            .enumerate()
            .map(|(i, wan)| PlanMonthRow {
                zone_id,
                item_id: item.id,
                month: format!("{year}-{:02}", i + 1),
                planned_fen: wan * 1_000_000,
            })
            .collect();
        let departments = departments_of(rng, zone, &item, co_names);
        let table: &[(u8, &str)] = if continuing { &PROJECT_MILESTONES[3..] } else { &PROJECT_MILESTONES };
        let n_ms = rng.gen_range(2..5);
        let ms = milestones_for(rng, table, start, due, n_ms);
        let milestones = milestone_rows(&item, ms);
        let p = profile(rng);
        let pace = match p {
            Profile::Steady | Profile::Sloppy => rng.gen_range(1.0..1.15),
            Profile::Wobbly => rng.gen_range(0.97..1.08),
            Profile::Stalled => rng.gen_range(0.95..1.05),
        };
        out.push(Draft { lead: lead_for(rng, p), item, departments, milestones, months, profile: p, pace });
    }
    out
}

/// What one item's walk produced.
struct Walked {
    reports: Vec<ReportRow>,
    lights: Vec<LightRow>,
    /// The colour of each week (for the meetings).
    colours: BTreeMap<NaiveDate, Colour>,
}

/// Walks an item's weeks from its start to today: the week's report (or none), then the week's
/// light as the weekly evaluation computes it — as of Saturday for a past week, as of today
/// for this one, and as of the day of the last report for an item closed as done.
fn walk(
    rng: &mut StdRng,
    d: &mut Draft,
    rules: &LightRules,
    reporter: Uuid,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Walked {
    let item = &mut d.item;
    let this_week = sv::review_saturday(today);
    let money = if item.kind == "project" {
        let v: Vec<i64> = d.months.iter().map(|m| m.planned_fen).collect();
        InvestmentPlan::parse(item.year, v.iter().sum(), &v).ok()
    } else {
        None
    };
    let (start, due) = (item.start_on, item.due_on);
    let lifetime = (due - start).num_days().max(7);
    let stall_at = item.start_on + Duration::days(rng.gen_range(lifetime * 3 / 10..=lifetime * 7 / 10));
    let mut stalled = false;
    let mut lag = 0.0_f64;
    let mut episode = 0;
    let mut slipped = false;
    let mut red_weeks = 0;
    let mut colours: Vec<Colour> = Vec::new();
    let mut out = Walked { reports: Vec::new(), lights: Vec::new(), colours: BTreeMap::new() };
    let mut progress: Option<u8> = None;
    let mut week = sv::review_saturday(item.start_on);
    let mut invested = 0_i64;
    let n = (rules.yellows_to_red as usize).max(1);
    while week <= this_week {
        let plan_now = |ms: &[MilestoneRow]| {
            let v: Vec<Milestone> = ms
                .iter()
                .map(|m| Milestone {
                    title: m.title.clone(),
                    due_on: m.due_on,
                    target_pct: u8::try_from(m.target_pct).unwrap_or(100),
                    reached_on: m.reached_on,
                })
                .collect();
            Plan::parse(start, due, v).unwrap_or_else(|_| Plan::straight(start, due))
        };
        let last_colour = colours.last().copied();
        if last_colour == Some(Colour::Red) {
            red_weeks += 1;
        } else {
            red_weeks = 0;
        }
        // How the work moved this week.
        let day = week - Duration::days(rng.gen_range(1..=2));
        let overdue_long = week > item.due_on + Duration::days(56);
        if slipped && last_colour.is_some_and(|c| c != Colour::Green) {
            // Shown yellow (or red) on Saturday: most make up the week at once.
            if rng.gen_range(0..100) < 90 {
                lag = 0.0;
                slipped = false;
            }
        } else if !slipped
            && d.profile != Profile::Stalled
            && last_colour == Some(Colour::Green)
            && rng.gen_range(0..100) < SLIP_PCT
        {
            // A bad week (a permit waits, rain, a supplier): 10–20 points behind the line.
            let plan = plan_now(&d.milestones);
            let ahead = plan.planned_pct(day + Duration::days(d.lead)) - plan.planned_pct(week);
            lag = ahead.max(0.0) + rng.gen_range(10.5..21.0);
            slipped = true;
        }
        if !slipped {
            match d.profile {
                Profile::Steady | Profile::Sloppy => lag = (lag - 3.0).max(0.0),
                Profile::Wobbly => {
                    if episode > 0 {
                        lag += rng.gen_range(3.0..7.0);
                        episode -= 1;
                    } else if lag > 0.0 && last_colour.is_some_and(|c| c != Colour::Green) {
                        lag = (lag - rng.gen_range(4.0..11.0)).max(0.0);
                    } else if lag > 0.0 {
                        lag = (lag - rng.gen_range(0.0..3.0)).max(0.0);
                    } else if rng.gen_range(0..100) < 4 {
                        episode = rng.gen_range(2..5);
                    }
                }
                Profile::Stalled => {
                    if !stalled && week >= stall_at {
                        stalled = true;
                    }
                    if stalled
                        && (red_weeks >= 6 && rng.gen_range(0..100) < 12 || overdue_long && rng.gen_range(0..100) < 30)
                    {
                        // Named at the meeting for weeks: it moves again and catches up.
                        d.profile = Profile::Wobbly;
                        stalled = false;
                        let planned = plan_now(&d.milestones).planned_pct(week + Duration::days(d.lead));
                        lag = (planned - f64::from(progress.unwrap_or(0))).max(0.0);
                    }
                }
            }
        }
        if overdue_long && d.profile == Profile::Wobbly {
            lag = (lag - 10.0).max(0.0);
        }
        let miss = match d.profile {
            Profile::Steady => 3,
            Profile::Wobbly => 6,
            Profile::Stalled if stalled => 35,
            Profile::Stalled => 6,
            Profile::Sloppy => 30,
        };
        let mut closed_on = None;
        if day >= item.start_on && day <= today && rng.gen_range(0..100) >= miss {
            let plan = plan_now(&d.milestones);
            let before = progress.unwrap_or(0);
            let target = plan.planned_pct(day + Duration::days(d.lead)) - lag;
            let pct = if stalled { before } else { (target.round().clamp(0.0, 100.0) as u8).max(before) };
            progress = Some(pct);
            let mut reached = None;
            for m in d.milestones.iter_mut() {
                if m.reached_on.is_none() && i64::from(m.target_pct) <= i64::from(pct) {
                    m.reached_on = Some(day);
                    reached = Some((m.id, m.title.clone()));
                }
            }
            let mut text = format!("本周{}，累计完成{}%。", pick(rng, &PROGRESS), pct);
            if let Some((_, t)) = &reached {
                text.push_str(&format!("已完成“{t}”节点。"));
            }
            if lag >= 8.0 || stalled {
                text.push_str(&format!("受{}影响，进度有所滞后，正在协调解决。", pick(rng, &CAUSES)));
            }
            let mut investment = None;
            if let Some(m) = &money {
                let planned = m.planned_to_date(day) as f64;
                let pace = if stalled { 0.0 } else { d.pace - lag / 60.0 };
                let v =
                    ((planned * pace / 1.0e6).round() as i64 * 1_000_000).max(invested).min(item.total_investment_fen);
                invested = v;
                investment = Some(v);
                text.push_str(&format!("本年累计完成投资{}万元。", v / 1_000_000));
                if item.stage == "preparation" && pct >= 30 {
                    item.stage = "construction".into();
                }
                if pct == 100 {
                    item.stage = if item.project_type == "industrial" { "production" } else { "completed" }.into();
                }
            }
            out.reports.push(ReportRow {
                id: Uuid::now_v7(),
                zone_id: item.zone_id,
                item_id: item.id,
                reported_on: day,
                week,
                department_id: item.department_id,
                reported_by: reporter,
                text,
                progress_pct: i32::from(pct),
                milestone_id: reached.map(|r| r.0),
                investment_to_date_fen: investment,
                decrease_reason: String::new(),
                created_at: at(day, 16, now),
            });
            item.progress_pct = i32::from(pct);
            item.last_report_on = Some(day);
            item.investment_to_date_fen = invested;
            item.version += 1;
            if pct == 100 {
                closed_on = Some(day);
            }
        }
        // The week's light: as of Saturday (today for this week; the report's day when the
        // item is closed right after it, the last evaluation it gets).
        let on = closed_on.unwrap_or(if week == this_week { today.min(week) } else { week });
        let plan = plan_now(&d.milestones);
        let facts = Facts {
            plan: &plan,
            reported_pct: progress,
            last_report_on: item.last_report_on,
            investment: money.as_ref().map(|m| (m, item.investment_to_date_fen)),
            completed: false,
        };
        let previous = &colours[colours.len().saturating_sub(n)..];
        let a = light::assess(rules, &facts, on, previous);
        let reasons = serde_json::to_string(&a.reasons).unwrap_or_else(|_| "[]".into());
        colours.push(a.colour);
        out.colours.insert(week, a.colour);
        out.lights.push(LightRow {
            zone_id: item.zone_id,
            item_id: item.id,
            week,
            colour: a.colour.code().into(),
            reasons: reasons.clone(),
            progress_pct: item.progress_pct,
            computed_at: at(on, 18, now),
        });
        item.colour = a.colour.code().into();
        item.colour_reasons = reasons;
        item.colour_week = Some(week);
        if let Some(day) = closed_on {
            item.state = "closed".into();
            item.closed_at = Some(at(day, 17, now));
            item.closed_note = "已完成全部目标任务，经督查室核验同意销号。".into();
            item.version += 1;
            break;
        }
        week += Duration::days(7);
    }
    out
}

/// The last three Saturday meetings, with decisions on the week's red items.
#[expect(clippy::too_many_arguments, reason = "the meetings draw on the whole generated year")]
fn meetings(
    rng: &mut StdRng,
    zone: &Zone,
    cast: &Cast,
    leader_name: &str,
    items: &[&ItemRow],
    colours: &HashMap<Uuid, BTreeMap<NaiveDate, Colour>>,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Vec<(MeetingRow, Vec<FollowUpRow>)> {
    let mut last = sv::review_saturday(today);
    if last >= today {
        last -= Duration::days(7);
    }
    let office = zone.by_name.get("党政办公室").copied().unwrap_or(zone.departments[0].id);
    let names: HashMap<Uuid, &str> = zone.departments.iter().map(|d| (d.id, d.name.as_str())).collect();
    let mut out = Vec::new();
    let mut named = std::collections::HashSet::new();
    for (k, held_on) in [last - Duration::days(14), last - Duration::days(7), last].into_iter().enumerate() {
        let mut counts = [[0_u32; 3]; 2];
        let mut red: Vec<&ItemRow> = Vec::new();
        for item in items {
            if let Some(c) = colours.get(&item.id).and_then(|m| m.get(&held_on)) {
                counts[usize::from(item.kind == "project")][*c as usize] += 1;
                if *c == Colour::Red {
                    red.push(item);
                }
            }
        }
        let week_no = held_on.iso_week().week();
        let id = Uuid::now_v7();
        let attendees = format!(
            "{leader_name}（主持）；{}主要负责人；督查室",
            zone.departments
                .iter()
                .filter(|d| d.parent_id.is_none())
                .map(|d| d.name.as_str())
                .collect::<Vec<_>>()
                .join("、")
        );
        let (g, y, r) = (counts[0][0] + counts[1][0], counts[0][1] + counts[1][1], counts[0][2] + counts[1][2]);
        let mut notes = format!(
            "会议通报了第{week_no}周重点工作{}项、重点项目{}项的推进情况：绿灯{g}项、黄灯{y}项、红灯{r}项。",
            counts[0].iter().sum::<u32>(),
            counts[1].iter().sum::<u32>()
        );
        notes.push_str("红灯事项牵头部门逐项说明滞后原因和赶超措施；会议强调，各部门要对照序时进度倒排工期，红灯事项下周会上再作专题汇报。");
        // The oldest meeting took three or four decisions (one of them now overdue), the others two to four.
        let n_decisions = if k == 0 { 3 + rng.gen_range(0..2) } else { 2 + rng.gen_range(0..3) };
        // The week's red items not yet named at an earlier meeting, in a shuffled order.
        let mut fresh: Vec<&ItemRow> = red.iter().copied().filter(|i| !named.contains(&i.id)).collect();
        for i in (1..fresh.len()).rev() {
            fresh.swap(i, rng.gen_range(0..=i));
        }
        let mut decisions = Vec::new();
        for i in 0..n_decisions {
            // The last decision of each meeting is a general one when few items are red.
            let target = fresh.get(i).filter(|_| i + 1 < n_decisions || fresh.len() > n_decisions);
            if let Some(item) = target {
                named.insert(item.id);
            }
            let (title, department_id, item_id) = match target {
                Some(item) => {
                    (format!("督促加快推进“{}”，补齐序时进度差距", item.title), item.department_id, Some(item.id))
                }
                None => ("全面梳理年底前到期事项，逐项明确完成时限".to_owned(), office, None),
            };
            // The oldest meeting's decisions: two done, one overdue, one still in time; the
            // next: one done; the last: all open.
            let (due, done) = match (k, i) {
                (0, 0) => (held_on + Duration::days(7), true),
                (0, 1) => (held_on + Duration::days(10), true),
                (0, 2) => (held_on + Duration::days(10), false),
                (0, _) => (held_on + Duration::days(21), false),
                (1, 0) => (held_on + Duration::days(7), true),
                (1, _) => (held_on + Duration::days(14), false),
                _ => (held_on + Duration::days(7 + 7 * (i as i64 % 2)), false),
            };
            let owner = cast.reporters.get(&department_id).copied().or(Some(cast.default_reporter));
            let done_at = at((held_on + Duration::days(5)).min(today), 17, now);
            decisions.push(FollowUpRow {
                id: Uuid::now_v7(),
                zone_id: zone.departments[0].zone_id,
                item_id,
                meeting_id: Some(id),
                origin: "decision".into(),
                title,
                detail: format!(
                    "由{}牵头，{}前报送落实情况。",
                    names.get(&department_id).copied().unwrap_or("牵头部门"),
                    due.format("%-m月%-d日")
                ),
                department_id,
                owner_user_id: owner,
                due_on: due,
                state: if done { "done" } else { "open" }.into(),
                done_at: done.then_some(done_at),
                done_by: if done { owner } else { None },
                done_note: if done { "已按要求落实，进度已追平。".into() } else { String::new() },
                created_by: cast.leader,
                created_at: at(held_on, 12, now),
                version: if done { 2 } else { 1 },
            });
        }
        let row = MeetingRow {
            id,
            zone_id: zone.departments[0].zone_id,
            held_on,
            week: sv::review_saturday(held_on),
            title: format!("{}年第{week_no}周周六扩大会议", held_on.year()),
            attendees,
            notes,
            created_by: cast.leader,
            created_at: at(held_on, 12, now),
            version: 1,
        };
        out.push((row, decisions));
    }
    out
}

/// Generates and loads the zone's key tasks and projects (see the module's notes). Nothing is
/// loaded for a zone without departments.
pub async fn load(app: &App, zone_id: Uuid, cast: &Cast, spec: &Spec, by: &By) -> Result<Seeded, AppError> {
    let c = app.db.conn();
    let scope = Scope::zone(zone_id);
    let departments = yuanqu_store::identity::departments(&c, &scope).await?;
    if departments.is_empty() || spec.years == 0 {
        return Ok(Seeded::default());
    }
    let parks = yuanqu_store::identity::parks(&c, &scope).await?;
    let enterprises = yuanqu_store::enterprise::enterprises_after(
        &c,
        &scope,
        &yuanqu_store::enterprise::EnterpriseFilter::default(),
        None,
        400,
    )
    .await?;
    let leader_name = yuanqu_store::identity::user(&c, &scope, cast.leader)
        .await?
        .map_or_else(|| "管委会主任".to_owned(), |u| u.display_name);
    let by_name = departments.iter().map(|d| (d.name.clone(), d.id)).collect();
    let zone = Zone { departments, by_name, parks, enterprises };
    let rules = LightRules::default();
    let now = app.now();
    let today = zone_today(now);
    let current = today.year();
    let mut all = Vec::new();
    let mut reports = Vec::new();
    let mut lights = Vec::new();
    let mut colours: HashMap<Uuid, BTreeMap<NaiveDate, Colour>> = HashMap::new();
    for year in (current + 1 - spec.years as i32)..=current {
        let mut rng = StdRng::seed_from_u64(spec.seed.wrapping_add(year as u64));
        // Items of this year start at least three weeks before today.
        let last_start = (today - Duration::days(21)).min(ymd(year, 10, 31));
        let mut drafts = tasks(&mut rng, &zone, cast, zone_id, year, spec.tasks, last_start, now);
        let mut ps = projects(&mut rng, &zone, cast, zone_id, year, spec.projects, last_start, now);
        for list in [&mut drafts, &mut ps] {
            list.sort_by_key(|d| (d.item.start_on, d.item.created_at));
            for (i, d) in list.iter_mut().enumerate() {
                d.item.code = super::code_for(&d.item.kind, year, i as u64 + 1);
            }
        }
        drafts.append(&mut ps);
        for d in &mut drafts {
            let reporter = cast.reporters.get(&d.item.department_id).copied().unwrap_or(cast.default_reporter);
            let w = walk(&mut rng, d, &rules, reporter, today, now);
            reports.extend(w.reports);
            lights.extend(w.lights);
            colours.insert(d.item.id, w.colours);
        }
        all.append(&mut drafts);
    }
    let mut rng = StdRng::seed_from_u64(spec.seed ^ 0x5eed);
    let this_year: Vec<&ItemRow> = all.iter().map(|d| &d.item).filter(|i| i.year == current).collect();
    let meetings = meetings(&mut rng, &zone, cast, &leader_name, &this_year, &colours, today, now);

    let mut seeded = Seeded {
        items: all.len(),
        reports: reports.len(),
        lights: lights.len(),
        meetings: meetings.len(),
        follow_ups: meetings.iter().map(|m| m.1.len()).sum(),
        ..Default::default()
    };
    for d in all.iter().filter(|d| d.item.state == "open" && d.item.year == current) {
        seeded.open += 1;
        match d.item.colour.as_str() {
            "red" => seeded.red += 1,
            "yellow" => seeded.yellow += 1,
            _ => seeded.green += 1,
        }
    }
    let mut items = Vec::with_capacity(all.len());
    let (mut departments, mut milestones, mut months) = (Vec::new(), Vec::new(), Vec::new());
    for d in all {
        items.push(d.item);
        departments.extend(d.departments);
        milestones.extend(d.milestones);
        months.extend(d.months);
    }
    let data = Arc::new((items, departments, milestones, months, reports, lights, meetings));
    let summary = serde_json::json!({
        "years": spec.years, "items": seeded.items, "reports": seeded.reports, "lights": seeded.lights,
        "meetings": seeded.meetings, "follow_ups": seeded.follow_ups,
    });
    let by = by.clone();
    app.db
        .write(|c| {
            let (data, by, summary) = (data.clone(), by.clone(), summary.clone());
            Box::pin(async move {
                let (items, departments, milestones, months, reports, lights, meetings) = data.as_ref();
                q::insert_items_bulk(c, items, departments, milestones, months).await?;
                q::insert_reports_bulk(c, reports).await?;
                q::upsert_lights(c, lights.clone()).await?;
                for (m, f) in meetings {
                    q::insert_meeting(c, m.clone(), f.clone()).await?;
                }
                let e = Entry::new("demo.supervision", "zone", Some(zone_id)).after(summary);
                audit::record(c, now, &by, &RequestCtx::default(), e).await
            })
        })
        .await?;
    Ok(seeded)
}
