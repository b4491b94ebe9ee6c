//! The demo zone's party building (党建, issue 7), fictional names only: the zone's party working
//! committee (党工委) with its organ branches, the clinic's and the key projects' branches, one
//! comprehensive committee (综合党委) per industrial park and a joint general branch for the
//! logistics park; under them a general branch (党总支) in each of eight large enterprises (two
//! of the three the demo names among them) with five workshop branches (车间党支部) each — 40 — and
//! the branches of other enterprises and of the joint branches of small ones: about 120
//! organizations. About 2,500 members (valid ID numbers, encrypted with the blind index exactly as
//! the members' use case stores them; some probationary, some moved during the year); the
//! designation types and the article's designations — 26 red workshops and 101 vanguard posts
//! (each led by a named member of its workshop branch) awarded on 21 April, a red construction
//! site and a red medical team, a few applications still under review; four regional alliances
//! (neighbourhood, business, strong helping weak) and two industry-chain alliances; and a year of
//! activities: 30 theme activities a year (some held by alliances), study sessions in the
//! workshops, and the regular meetings (三会一课) with agenda, minutes and attendance, most
//! branches keeping to the required frequencies, some slipping (yellow) and a few not (red).
//! The demo account `secretary` is the secretary of 安东鞋服's packaging workshop branch. The
//! first named enterprise (恒安食品, the `enterprise` account's) is left without a party
//! organization: the browser suite's story builds its first one.
//!
//! Deterministic (a seeded generator), inserted in bulk with one audit record. `yuanqu demo
//! --party-members 5000 --party-years 5` loads the shape of `cargo xtask bench party`.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use yuanqu_domain::party::designation::DEFAULT_TYPES;
use yuanqu_domain::party::{Colour, MeetingKind, Requirement, compliance};
use yuanqu_store::enterprise::EnterpriseRow;
use yuanqu_store::entity::{
    party_activity, party_alliance, party_alliance_member, party_attendance, party_designation, party_designation_type,
    party_member, party_member_move, party_org,
};
use yuanqu_store::party_demo::{self as bulk, PartyRows};

use crate::audit::{self, By, Entry};
use crate::enterprise::zone_today;
use crate::personal::Slot;
use crate::{App, AppError, RequestCtx, Uuid};

/// How much to generate.
#[derive(Debug, Clone)]
pub struct Spec {
    pub members: usize,
    /// Years of activities and meetings, ending with the current one (to today).
    pub years: u32,
    pub seed: u64,
}

impl Default for Spec {
    fn default() -> Self {
        Self { members: 2_500, years: 1, seed: 20_260_421 }
    }
}

/// Who acts, and what the zone has.
#[derive(Debug, Clone)]
pub struct Cast {
    /// The party-work staff account: creates the records, reviews and awards.
    pub staff: Uuid,
    /// The branch secretary account and its person's name: secretary of one workshop branch.
    pub secretary: Option<(Uuid, String)>,
    /// The zone's parks in order: food, textiles and shoes, mixed, machinery, logistics.
    pub parks: Vec<Uuid>,
    /// The zone's enterprises; the first three are the demo's named ones.
    pub enterprises: Vec<EnterpriseRow>,
}

/// What was loaded.
#[derive(Debug, Clone, Default)]
pub struct Seeded {
    pub orgs: usize,
    pub workshop_branches: usize,
    pub members: usize,
    pub probationary: usize,
    pub moves: usize,
    pub red_workshops: usize,
    pub vanguard_posts: usize,
    pub designations: usize,
    pub alliances: usize,
    pub theme_activities_this_year: usize,
    pub study_sessions: usize,
    pub meetings: usize,
    pub attendance: usize,
    /// This year's compliance of the branches (default requirements, yellow from 75 %).
    pub green: usize,
    pub yellow: usize,
    pub red: usize,
    /// The workshop branch the `secretary` account leads.
    pub secretary_org: Option<Uuid>,
}

/// The ID card column of members: the slot and blind index of the members' use case.
pub const ID_CARD: (&str, &str) = ("party_member", "id_card_enc");

const SURNAMES: &str = "陈林王黄张李吴蔡施洪许郑刘杨庄苏曾颜周谢柯傅叶邱丁肖尤卢何徐江郭董高彭";
const GIVEN: &str =
    "建国明华志强丽芳文杰伟俊秀英海燕晓东春梅玉兰雪琴振宇嘉欣佳怡晨阳子涵思远宏伟少斌国栋清泉美玲婉婷家豪";
const MIGRANT_REGIONS: [&str; 8] = ["360721", "511023", "522422", "411524", "431021", "421127", "341221", "450922"];
const LOCAL_REGIONS: [&str; 6] = ["350582", "350581", "350583", "350521", "350524", "350525"];
const EDUCATION: [(&str, u32); 7] =
    [("初中", 10), ("高中", 14), ("中专", 14), ("大专", 26), ("大学本科", 28), ("硕士研究生", 7), ("博士研究生", 1)];
const ETHNICITY: [(&str, u32); 6] =
    [("汉族", 940), ("回族", 15), ("畲族", 15), ("土家族", 12), ("苗族", 10), ("壮族", 8)];

/// Workshops by GB/T 4754 division of the enterprise.
fn workshops(division: Option<&str>) -> [&'static str; 5] {
    match division.unwrap_or("") {
        "13" | "14" | "15" => ["原料车间", "配料车间", "生产一车间", "生产二车间", "包装车间"],
        "17" | "18" | "19" => ["裁断车间", "针车车间", "成型车间", "大底车间", "包装车间"],
        "30" | "26" | "29" => ["原料车间", "压制车间", "烧成车间", "抛光车间", "检选包装车间"],
        "34" | "35" | "38" | "33" => ["机加工车间", "焊接车间", "装配车间", "涂装车间", "调试车间"],
        _ => ["一车间", "二车间", "三车间", "四车间", "五车间"],
    }
}

/// Posts in a workshop, for members and vanguard posts.
fn posts(workshop: &str) -> [&'static str; 6] {
    if workshop.contains("包装") || workshop.contains("检选") {
        ["包装线班长", "质检员", "叉车司机", "包装工", "设备维修工", "仓管员"]
    } else if workshop.contains("针车") || workshop.contains("裁断") || workshop.contains("成型") {
        ["车间主任", "班组长", "针车工", "裁断工", "品管员", "技术员"]
    } else if workshop.contains("焊接") || workshop.contains("机加工") || workshop.contains("装配") {
        ["车间主任", "班组长", "数控操作工", "焊工", "钳工", "工艺技术员"]
    } else {
        ["车间主任", "班组长", "操作工", "质检员", "设备维修工", "安全员"]
    }
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

fn weighted<'a>(rng: &mut StdRng, items: &'a [(&'a str, u32)]) -> &'a str {
    let total: u32 = items.iter().map(|i| i.1).sum();
    let mut pick = rng.gen_range(0..total.max(1));
    for (v, w) in items {
        if pick < *w {
            return v;
        }
        pick -= w;
    }
    items[0].0
}

fn pick<'a, T>(rng: &mut StdRng, v: &'a [T]) -> &'a T {
    &v[rng.gen_range(0..v.len())]
}

fn person_name(rng: &mut StdRng) -> String {
    let s: Vec<char> = SURNAMES.chars().collect();
    let g: Vec<char> = GIVEN.chars().collect();
    let mut n = String::new();
    n.push(*pick(rng, &s));
    n.push(*pick(rng, &g));
    if rng.gen_range(0..100) < 78 {
        n.push(*pick(rng, &g));
    }
    n
}

/// A midday moment of a day (Beijing 12:00), never after `now`.
fn noon(day: NaiveDate, now: DateTime<Utc>) -> DateTime<Utc> {
    day.and_hms_opt(4, 0, 0).map(|t| t.and_utc()).unwrap_or(now).min(now)
}

/// How a branch keeps to the meeting rules over the period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Diligence {
    /// Every window held.
    Keeps,
    /// One or two monthly meetings missed a year: yellow.
    Slips,
    /// Lectures and several months missed: red.
    Lapses,
}

/// An organization as the generator sees it.
struct Org {
    row: party_org::Model,
    branch: bool,
    /// Relative size (branches only).
    weight: f64,
    diligence: Diligence,
    members: Vec<usize>,
    park: Option<usize>,
}

struct Gen<'a> {
    rng: StdRng,
    zone_id: Uuid,
    cast: &'a Cast,
    now: DateTime<Utc>,
    today: NaiveDate,
    orgs: Vec<Org>,
}

impl Gen<'_> {
    #[expect(clippy::too_many_arguments)]
    fn org(
        &mut self,
        parent: Option<usize>,
        org_type: &str,
        name: String,
        enterprise: Option<&EnterpriseRow>,
        workshop: &str,
        founded: NaiveDate,
        weight: f64,
        park: Option<usize>,
    ) -> usize {
        let branch = matches!(org_type, "branch" | "workshop_branch");
        // Branches elect every three years, committees and general branches every five; a few
        // are overdue.
        let term = if branch { 3 } else { 5 };
        let years_since = self.rng.gen_range(0..term);
        let mut last = ymd(self.today.year() - years_since, self.rng.gen_range(1..=12), self.rng.gen_range(1..=28));
        if last > self.today {
            last = ymd(last.year() - 1, last.month(), last.day());
        }
        let last = last.max(founded);
        let overdue = self.rng.gen_range(0..100) < 6;
        let next = if overdue {
            self.today - Duration::days(self.rng.gen_range(20..200))
        } else {
            ymd(last.year() + term, last.month(), last.day()).max(self.today + Duration::days(1))
        };
        let roll = self.rng.gen_range(0..100);
        let diligence = match roll {
            0..78 => Diligence::Keeps,
            78..93 => Diligence::Slips,
            _ => Diligence::Lapses,
        };
        let row = party_org::Model {
            id: Uuid::now_v7(),
            zone_id: self.zone_id,
            parent_id: parent.map(|p| self.orgs[p].row.id),
            org_type: org_type.to_owned(),
            name,
            enterprise_id: enterprise.map(|e| e.id),
            workshop: workshop.to_owned(),
            secretary_name: String::new(),
            secretary_user_id: None,
            founded_on: Some(founded),
            last_election_on: Some(last),
            next_election_due: Some(next),
            created_by: self.cast.staff,
            created_at: self.now,
            version: 1,
        };
        self.orgs.push(Org { row, branch, weight, diligence, members: Vec::new(), park });
        self.orgs.len() - 1
    }

    fn founded(&mut self, from: i32, to: i32) -> NaiveDate {
        ymd(self.rng.gen_range(from..=to), self.rng.gen_range(1..=12), self.rng.gen_range(1..=28))
    }
}

/// Generates the organization tree: ~120 organizations, 40 of them workshop branches.
fn tree(g: &mut Gen<'_>) {
    let year = g.today.year();
    let wc =
        g.org(None, "working_committee", "晋江经济开发区（演示）党工委".into(), None, "", ymd(2003, 6, 18), 0.0, None);
    for (name, w) in [("管委会机关第一党支部", 1.4), ("管委会机关第二党支部", 1.2)] {
        let f = g.founded(2004, 2010);
        g.org(Some(wc), "branch", name.into(), None, "", f, w, None);
    }
    g.org(Some(wc), "branch", "园区社区卫生服务中心党支部".into(), None, "", ymd(2012, 3, 5), 0.8, None);
    g.org(Some(wc), "branch", "园区重点项目建设临时党支部".into(), None, "", ymd(year - 1, 9, 1), 0.6, None);

    let committees = [
        ("食品园非公企业综合党委", 0usize),
        ("安东园非公企业综合党委", 1),
        ("五里园非公企业综合党委", 2),
        ("机械装备园非公企业综合党委", 3),
    ];
    let mut park_parent = HashMap::new();
    for (name, park) in committees {
        let f = g.founded(2008, 2015);
        let i = g.org(Some(wc), "committee", name.into(), None, "", f, 0.0, Some(park));
        park_parent.insert(park, i);
    }
    let f = g.founded(2013, 2017);
    let lg = g.org(Some(wc), "general_branch", "现代物流园联合党总支".into(), None, "", f, 0.0, Some(4));
    park_parent.insert(4, lg);

    let cast = g.cast;
    let park_of = |e: &EnterpriseRow| cast.parks.iter().position(|p| *p == e.park_id).unwrap_or(2);
    // Eight large enterprises with a general branch and five workshop branches each: the second
    // and third named ones, then the largest operating industrial enterprises of the four
    // industrial parks (two of food and of machinery). The first named enterprise has none.
    let spared = cast.enterprises.first().map(|e| e.id);
    let operating: Vec<&EnterpriseRow> =
        cast.enterprises.iter().filter(|e| e.status == "operating" && Some(e.id) != spared).collect();
    let mut large: Vec<&EnterpriseRow> = cast.enterprises.iter().skip(1).take(2).collect();
    let mut by_size: Vec<&EnterpriseRow> = operating.iter().skip(2).copied().filter(|e| park_of(e) < 4).collect();
    by_size.sort_by_key(|e| std::cmp::Reverse(e.employees.unwrap_or(0)));
    for park in [0, 0, 1, 2, 3, 3] {
        if let Some(e) = by_size.iter().find(|e| park_of(e) == park && !large.iter().any(|l| l.id == e.id)) {
            large.push(e);
        }
    }
    for e in &large {
        let park = park_of(e);
        let parent = park_parent.get(&park).copied().unwrap_or(wc);
        let f = g.founded(2009, 2016);
        let gb = g.org(Some(parent), "general_branch", format!("{}党总支", e.name), Some(e), "", f, 0.0, Some(park));
        for w in workshops(e.industry_code.as_deref()) {
            let f = g.founded(2016, year - 1);
            g.org(Some(gb), "workshop_branch", format!("{}{}党支部", e.name, w), Some(e), w, f, 3.0, Some(park));
        }
    }
    // Single-enterprise branches and joint branches of small enterprises.
    let mut rest: Vec<&EnterpriseRow> =
        operating.iter().copied().filter(|e| !large.iter().any(|l| l.id == e.id)).collect();
    rest.shuffle(&mut g.rng);
    for (k, e) in rest.iter().take(55).enumerate() {
        let park = park_of(e);
        let parent = park_parent.get(&park).copied().unwrap_or(wc);
        // Two of them founded this year (nothing is missing before they existed).
        let f = if k < 2 { ymd(year, 3 + k as u32 * 2, 16) } else { g.founded(2010, year - 1) };
        g.org(Some(parent), "branch", format!("{}党支部", e.name), Some(e), "", f, 1.0, Some(park));
    }
    let streets = ["安东路", "五里大道", "食品路", "聚源街", "创业路", "永和路", "世纪大道", "兴业路"];
    for (i, s) in streets.iter().enumerate() {
        let park = i % 5;
        let parent = park_parent.get(&park).copied().unwrap_or(wc);
        let f = g.founded(2014, year - 1);
        g.org(Some(parent), "branch", format!("{s}片区非公企业联合党支部"), None, "", f, 1.2, Some(park));
    }
}

struct MemberGen {
    heads: HashSet<String>,
    phones: HashSet<String>,
}

impl MemberGen {
    fn id_card(&mut self, rng: &mut StdRng, birth: NaiveDate, male: bool, local: bool) -> String {
        loop {
            let region = if local { *pick(rng, &LOCAL_REGIONS) } else { *pick(rng, &MIGRANT_REGIONS) };
            let seq: u32 = rng.gen_range(0..500) * 2 + u32::from(male);
            let head = format!("{region}{}{seq:03}", birth.format("%Y%m%d"));
            if self.heads.insert(head.clone())
                && let Some(c) = yuanqu_domain::id_card::check_char(&head)
            {
                return format!("{head}{c}");
            }
        }
    }

    fn phone(&mut self, rng: &mut StdRng) -> String {
        loop {
            let p = format!(
                "1{}{:09}",
                pick(rng, &["35", "39", "58", "59", "88", "37", "50"]),
                rng.gen_range(0..1_000_000_000u64)
            )
            .chars()
            .take(11)
            .collect::<String>();
            if self.phones.insert(p.clone()) {
                return p;
            }
        }
    }
}

/// Members allocated to the branches by weight (at least three each), encrypted as the
/// members' use case stores them.
fn members(
    g: &mut Gen<'_>,
    app: &App,
    n: usize,
    period_start: NaiveDate,
) -> Result<(Vec<party_member::Model>, Vec<party_member_move::Model>), AppError> {
    let branches: Vec<usize> = (0..g.orgs.len()).filter(|i| g.orgs[*i].branch).collect();
    let total_w: f64 = branches.iter().map(|b| g.orgs[*b].weight).sum::<f64>().max(1.0);
    let mut quota: Vec<(usize, usize)> = branches
        .iter()
        .map(|b| {
            let jitter = g.rng.gen_range(0.7..1.3);
            (*b, ((n as f64) * g.orgs[*b].weight / total_w * jitter).round().max(3.0) as usize)
        })
        .collect();
    // Trim or pad to exactly `n` (keeping three each).
    let mut sum: usize = quota.iter().map(|q| q.1).sum();
    let mut k = 0;
    while sum != n && !quota.is_empty() {
        let i = k % quota.len();
        if sum > n && quota[i].1 > 3 {
            quota[i].1 -= 1;
            sum -= 1;
        } else if sum < n {
            quota[i].1 += 1;
            sum += 1;
        }
        k += 1;
        if k > 10 * n + 1000 {
            break;
        }
    }
    let mut mg = MemberGen { heads: HashSet::new(), phones: HashSet::new() };
    let mut rows = Vec::with_capacity(n);
    for (b, count) in quota {
        let workshop = g.orgs[b].row.workshop.clone();
        let local_share = if workshop.is_empty() { 80 } else { 55 };
        for j in 0..count {
            let rng = &mut g.rng;
            let male = rng.gen_range(0..100) < 62;
            let age = rng.gen_range(21..60);
            let birth = ymd(g.today.year() - age, rng.gen_range(1..=12), rng.gen_range(1..=28));
            let id = Uuid::now_v7();
            let local = rng.gen_range(0..100) < local_share;
            let id_card = mg.id_card(rng, birth, male, local);
            let probationary = rng.gen_range(0..100) < 5;
            let earliest = birth + Duration::days(18 * 365 + 30);
            let joined = if probationary {
                g.today - Duration::days(rng.gen_range(20..350))
            } else {
                let span = (g.today - Duration::days(380) - earliest).num_days().max(1);
                earliest + Duration::days(rng.gen_range(0..span))
            };
            let post = if workshop.is_empty() {
                pick(rng, &["综合管理", "行政人事", "财务", "技术研发", "市场营销", "生产管理"]).to_string()
            } else if j == 0 {
                "车间主任".to_owned()
            } else {
                pick(rng, &posts(&workshop)).to_string()
            };
            let slot = Slot { table: ID_CARD.0, column: ID_CARD.1, zone_id: g.zone_id, row_id: id };
            let normalised = yuanqu_domain::IdCardNo::parse(&id_card, g.today)
                .map_err(|e| AppError::Internal(format!("demo ID card {id_card}: {}", e.code())))?;
            let name = person_name(rng);
            rows.push(party_member::Model {
                id,
                zone_id: g.zone_id,
                org_id: g.orgs[b].row.id,
                name,
                gender: if male { "m" } else { "f" }.to_owned(),
                ethnicity: weighted(rng, &ETHNICITY).to_owned(),
                birth_on: Some(birth),
                id_card_enc: app.keys.encrypt(slot, normalised.as_str())?,
                id_card_bidx: app.keys.blind_index(ID_CARD.0, ID_CARD.1, g.zone_id, normalised.as_str())?,
                phone: Some(mg.phone(rng)),
                education: weighted(rng, &EDUCATION).to_owned(),
                joined_on: joined,
                standing: if probationary { "probationary" } else { "full" }.to_owned(),
                probation_ends_on: probationary.then(|| joined + Duration::days(365)),
                full_on: None,
                post,
                created_at: g.now,
                version: 1,
            });
            g.orgs[b].members.push(rows.len() - 1);
        }
    }
    // The first member of each branch is its secretary.
    for o in g.orgs.iter_mut().filter(|o| o.branch) {
        if let Some(first) = o.members.first() {
            o.row.secretary_name = rows[*first].name.clone();
        }
    }
    // Moves during the period: about one member in twenty, between branches of the same
    // enterprise (a new workshop) or to another branch (a new employer).
    let mut moves = Vec::new();
    let branches: Vec<usize> = (0..g.orgs.len()).filter(|i| g.orgs[*i].branch).collect();
    let span = (g.today - period_start).num_days().max(2);
    for _ in 0..n / 20 {
        let from = *pick(&mut g.rng, &branches);
        if g.orgs[from].members.len() <= 4 {
            continue;
        }
        let same: Vec<usize> = branches
            .iter()
            .copied()
            .filter(|b| *b != from && g.orgs[*b].row.enterprise_id.is_some())
            .filter(|b| g.orgs[*b].row.enterprise_id == g.orgs[from].row.enterprise_id)
            .collect();
        let (to, reason) = if !same.is_empty() && g.rng.gen_range(0..2) == 0 {
            (*pick(&mut g.rng, &same), "岗位调整（转入本企业其他车间）")
        } else {
            (*pick(&mut g.rng, &branches), "工作调动（入职园区其他企业）")
        };
        if to == from {
            continue;
        }
        // Never the secretary (the first member).
        let k = g.rng.gen_range(1..g.orgs[from].members.len());
        let m = g.orgs[from].members.remove(k);
        let moved_on = period_start + Duration::days(g.rng.gen_range(1..span));
        if moved_on <= rows[m].joined_on {
            g.orgs[from].members.push(m);
            continue;
        }
        rows[m].org_id = g.orgs[to].row.id;
        g.orgs[to].members.push(m);
        moves.push(party_member_move::Model {
            id: Uuid::now_v7(),
            zone_id: g.zone_id,
            member_id: rows[m].id,
            from_org_id: g.orgs[from].row.id,
            to_org_id: g.orgs[to].row.id,
            moved_on,
            reason: reason.to_owned(),
            created_by: g.cast.staff,
            created_at: noon(moved_on, g.now),
        });
    }
    Ok((rows, moves))
}

const THEMES: [&str; 15] = [
    "建党百年·不忘初心",
    "学党史·悟思想·办实事",
    "红色车间·岗位建功",
    "党员先锋岗·我为群众办实事",
    "安全生产月·党员在行动",
    "“七一”重温入党誓词",
    "红色引擎·助企发展",
    "党建联建·共促发展",
    "清廉园区·廉洁从业",
    "关爱职工·温暖同行",
    "技能比武·党员争先",
    "志愿服务·党员先行",
    "弘扬“晋江经验”",
    "产业链党建·链上共建",
    "新就业群体·党建暖心",
];

const STUDY: [&str; 8] = [
    "车间学习：《中国共产党章程》",
    "车间学习：安全生产法律法规",
    "车间学习：党的二十大精神",
    "车间学习：“晋江经验”的时代内涵",
    "车间学习：工匠精神与质量提升",
    "车间学习：《中国共产党纪律处分条例》",
    "车间学习：产业工人队伍建设改革",
    "车间学习：职业病防治知识",
];

const COMMITTEE_TOPICS: [&str; 8] = [
    "研究发展党员工作",
    "研究车间安全生产工作",
    "研究“红色车间”创建推进事项",
    "研究党员先锋岗设岗定责",
    "研究困难职工帮扶事项",
    "部署本月主题党日活动",
    "通报党费收缴和使用情况",
    "研究党员教育培训计划",
];

const ASSEMBLY_TOPICS: [&str; 6] = [
    "学习传达上级会议精神",
    "讨论接收预备党员",
    "预备党员转正表决",
    "开展民主评议党员",
    "听取支部委员会工作报告",
    "讨论支部年度工作计划",
];

const GROUP_TOPICS: [&str; 6] = [
    "学习《中国共产党章程》",
    "交流岗位建功体会",
    "学习安全生产法律法规",
    "开展批评与自我批评",
    "讨论车间质量改进建议",
    "学习先进党员事迹",
];

const LECTURES: [&str; 6] = [
    "书记讲党课：立足岗位作表率",
    "党课：弘扬“晋江经验”，争当发展先锋",
    "党课：新时代产业工人的责任担当",
    "党课：从党史中汲取奋进力量",
    "党课：以高质量党建引领企业高质量发展",
    "党课：守纪律、讲规矩、作表率",
];

/// Where an organization meets.
fn place(o: &party_org::Model) -> String {
    if !o.workshop.is_empty() {
        format!("{}党员活动室", o.workshop)
    } else if o.enterprise_id.is_some() {
        "公司党员活动室".to_owned()
    } else {
        "园区党群服务中心".to_owned()
    }
}

struct Activities {
    rows: Vec<party_activity::Model>,
    attendance: Vec<party_attendance::Model>,
    themes_this_year: usize,
    study: usize,
    meetings: usize,
}

/// Members of organization `o` on `day`: its members now, less those who moved in after that
/// day, plus those who moved out after it; joined by then.
struct Roster<'a> {
    members: &'a [party_member::Model],
    /// member index → (moved_on, from org id, to org id)
    moved: HashMap<usize, (NaiveDate, Uuid, Uuid)>,
    /// org id → members who moved out of it
    moved_out: HashMap<Uuid, Vec<usize>>,
}

impl Roster<'_> {
    fn on(&self, o: &Org, day: NaiveDate) -> Vec<usize> {
        let mut v: Vec<usize> = o
            .members
            .iter()
            .copied()
            .filter(|m| self.moved.get(m).is_none_or(|(on, _, to)| *to != o.row.id || *on <= day))
            .collect();
        if let Some(out) = self.moved_out.get(&o.row.id) {
            v.extend(out.iter().copied().filter(|m| self.moved.get(m).is_some_and(|(on, _, _)| *on > day)));
        }
        v.retain(|m| self.members[*m].joined_on <= day);
        v
    }
}

fn attend(
    rng: &mut StdRng,
    zone_id: Uuid,
    activity: Uuid,
    members: &[party_member::Model],
    who: &[usize],
    present_pct: u32,
    out: &mut Vec<party_attendance::Model>,
) -> (Vec<String>, Vec<String>) {
    let (mut present, mut absent) = (Vec::new(), Vec::new());
    for (i, m) in who.iter().enumerate() {
        // The first (the secretary, or whoever leads) is always there.
        let here = i == 0 || rng.gen_range(0..100) < present_pct;
        out.push(party_attendance::Model { zone_id, activity_id: activity, member_id: members[*m].id, present: here });
        if here { present.push(members[*m].name.clone()) } else { absent.push(members[*m].name.clone()) }
    }
    (present, absent)
}

#[expect(clippy::too_many_arguments)]
fn activity(
    g: &Gen<'_>,
    org: usize,
    alliance: Option<Uuid>,
    kind: &str,
    meeting_kind: Option<MeetingKind>,
    title: String,
    theme: &str,
    day: NaiveDate,
    agenda: String,
    summary: String,
) -> party_activity::Model {
    party_activity::Model {
        id: Uuid::now_v7(),
        zone_id: g.zone_id,
        org_id: g.orgs[org].row.id,
        alliance_id: alliance,
        kind: kind.to_owned(),
        meeting_kind: meeting_kind.map(|k| k.code().to_owned()),
        title,
        theme: theme.to_owned(),
        held_on: day,
        place: place(&g.orgs[org].row),
        agenda,
        summary,
        created_by: g.cast.staff,
        created_at: noon(day + Duration::days(1), g.now),
        version: 1,
    }
}

/// Which windows a branch leaves without a meeting: (kind, window index in the year) pairs.
fn skipped(rng: &mut StdRng, d: Diligence, months_ended: u32) -> HashSet<(MeetingKind, u32)> {
    let mut s = HashSet::new();
    let months_ended = months_ended.max(1);
    match d {
        Diligence::Keeps => {}
        Diligence::Slips => {
            // One or two months of the committee or of the groups.
            for _ in 0..rng.gen_range(1..=2) {
                let k = if rng.gen_range(0..2) == 0 { MeetingKind::BranchCommittee } else { MeetingKind::GroupMeeting };
                s.insert((k, rng.gen_range(0..months_ended)));
            }
        }
        Diligence::Lapses => {
            // Half the lectures, a quarter of the assemblies, and a third of the months.
            for q in 0..4 {
                if rng.gen_range(0..2) == 0 {
                    s.insert((MeetingKind::PartyLecture, q));
                }
            }
            s.insert((MeetingKind::PartyLecture, rng.gen_range(0..(months_ended / 3).max(1))));
            s.insert((MeetingKind::BranchAssembly, rng.gen_range(0..4)));
            for m in 0..12 {
                if rng.gen_range(0..3) == 0 {
                    s.insert((MeetingKind::BranchCommittee, m));
                }
                if rng.gen_range(0..3) == 0 {
                    s.insert((MeetingKind::GroupMeeting, m));
                }
            }
        }
    }
    s
}

fn minutes(kind: MeetingKind, org: &party_org::Model, topic: &str, present: &[String], absent: &[String]) -> String {
    let host = present.first().cloned().unwrap_or_default();
    let mut s = format!("{host}主持会议，应到{}人，实到{}人。", present.len() + absent.len(), present.len());
    match kind {
        MeetingKind::BranchCommittee => {
            s.push_str(&format!("\n会议{topic}，支委逐一发表意见，形成一致意见并明确责任人和完成时限。"))
        }
        MeetingKind::BranchAssembly => s.push_str(&format!(
            "\n会议{topic}。全体党员认真学习讨论，{}结合岗位实际作了发言。",
            present.get(1).cloned().unwrap_or_else(|| host.clone())
        )),
        MeetingKind::GroupMeeting => {
            s.push_str(&format!("\n党小组{topic}，党员结合本岗位工作谈认识、找差距、定措施。"))
        }
        MeetingKind::PartyLecture => s.push_str(&format!("\n{host}以“{topic}”为题讲授党课，党员交流学习体会。")),
    }
    if !absent.is_empty() {
        s.push_str(&format!("\n{}因生产任务请假，会后由支部传达会议精神。", absent.join("、")));
    }
    if !org.workshop.is_empty() {
        s.push_str(&format!("\n会议要求{}党员在生产一线亮身份、作表率。", org.workshop));
    }
    s
}

/// The year's (or years') theme activities, study sessions and regular meetings.
fn activities(g: &mut Gen<'_>, roster: &Roster<'_>, alliances: &[(Uuid, Vec<usize>)], first_year: i32) -> Activities {
    let mut out = Activities { rows: Vec::new(), attendance: Vec::new(), themes_this_year: 0, study: 0, meetings: 0 };
    let members = roster.members;
    let (today, zone_id) = (g.today, g.zone_id);
    let branches: Vec<usize> = (0..g.orgs.len()).filter(|i| g.orgs[*i].branch).collect();
    for year in first_year..=today.year() {
        // 30 theme activities a year, on the days the party marks, some by alliances.
        // Within the year, and this year up to yesterday.
        let last_day = ((ymd(year, 12, 31) - ymd(year, 1, 1)).num_days() - 10)
            .min((today - ymd(year, 1, 1)).num_days() - 1)
            .max(11);
        for i in 0..30u32 {
            let day = match i {
                0 => ymd(year, 7, 1),
                1 => ymd(year, 5, 4),
                2 => ymd(year, 6, 16),
                3 => ymd(year, 4, 21),
                _ => ymd(year, 1, 1) + Duration::days(g.rng.gen_range(10..last_day)),
            };
            if day > today {
                continue;
            }
            let theme = if i == 0 { THEMES[0] } else { *pick(&mut g.rng, &THEMES) };
            let alliance = (i % 5 == 2 && !alliances.is_empty()).then(|| pick(&mut g.rng, alliances).clone());
            let org = match &alliance {
                Some((_, orgs)) => orgs[0],
                None => *pick(&mut g.rng, &branches),
            };
            let mut who = match &alliance {
                Some((_, orgs)) => orgs.iter().flat_map(|o| roster.on(&g.orgs[*o], day).into_iter().take(6)).collect(),
                None => roster.on(&g.orgs[org], day),
            };
            who.truncate(40);
            let title = format!("“{theme}”主题党日活动");
            let a = activity(
                g,
                org,
                alliance.as_ref().map(|a| a.0),
                "theme",
                None,
                title,
                theme,
                day,
                "1. 重温入党誓词\n2. 主题学习交流\n3. 志愿服务实践".into(),
                String::new(),
            );
            let (present, _) = attend(&mut g.rng, zone_id, a.id, members, &who, 88, &mut out.attendance);
            let mut a = a;
            a.summary = format!(
                "围绕“{theme}”开展主题党日活动，{}名党员参加。活动中党员重温入党誓词，交流学习体会，并开展志愿服务。",
                present.len()
            );
            if year == today.year() {
                out.themes_this_year += 1;
            }
            out.rows.push(a);
        }
        // Study sessions in the workshops, every other month.
        for b in branches.iter().copied().filter(|b| !g.orgs[*b].row.workshop.is_empty()) {
            let offset = g.rng.gen_range(0..2);
            for m in (1 + offset..=12).step_by(2) {
                let day = ymd(year, m, g.rng.gen_range(5..=25));
                if day > today || Some(day) < g.orgs[b].row.founded_on {
                    continue;
                }
                let topic = *pick(&mut g.rng, &STUDY);
                let who = roster.on(&g.orgs[b], day);
                let mut a = activity(
                    g,
                    b,
                    None,
                    "study",
                    None,
                    topic.into(),
                    "",
                    day,
                    "集中学习\n交流讨论".into(),
                    String::new(),
                );
                let (present, _) = attend(&mut g.rng, zone_id, a.id, members, &who, 85, &mut out.attendance);
                a.summary =
                    format!("利用班前会时间在车间开展集中学习，{}名党员参加，结合生产实际交流讨论。", present.len());
                out.rows.push(a);
                out.study += 1;
            }
        }
        // The regular meetings.
        for b in branches.iter().copied() {
            let founded = g.orgs[b].row.founded_on.unwrap_or(ymd(year, 1, 1));
            let months_ended = if year == today.year() { today.month0() } else { 12 };
            let skip = skipped(&mut g.rng, g.orgs[b].diligence, months_ended);
            let org_row = g.orgs[b].row.clone();
            let mut held = |g: &mut Gen<'_>, kind: MeetingKind, day: NaiveDate, title: String, topic: &str| {
                if day > today || day < founded {
                    return;
                }
                let all = roster.on(&g.orgs[b], day);
                let who: Vec<usize> = match kind {
                    MeetingKind::BranchCommittee => {
                        all.iter().copied().take(if all.len() > 12 { 5 } else { 3 }).collect()
                    }
                    MeetingKind::GroupMeeting => {
                        // The groups take turns: about ten members each.
                        let groups = all.len().div_ceil(10).max(1);
                        let k = day.month0() as usize % groups;
                        let mut v: Vec<usize> = all.iter().copied().skip(1).skip(k * 10).take(10).collect();
                        if let Some(first) = all.first() {
                            v.insert(0, *first);
                        }
                        v
                    }
                    _ => all,
                };
                let mut a = activity(
                    g,
                    b,
                    None,
                    "meeting",
                    Some(kind),
                    title,
                    "",
                    day,
                    format!("1. {topic}\n2. 其他事项"),
                    String::new(),
                );
                let (present, absent) = attend(&mut g.rng, zone_id, a.id, members, &who, 92, &mut out.attendance);
                a.summary = minutes(kind, &org_row, topic, &present, &absent);
                out.rows.push(a);
                out.meetings += 1;
            };
            for m in 0..12u32 {
                let month = m + 1;
                if !skip.contains(&(MeetingKind::BranchCommittee, m)) {
                    let day = ymd(year, month, g.rng.gen_range(3..=12));
                    let topic = *pick(&mut g.rng, &COMMITTEE_TOPICS);
                    held(g, MeetingKind::BranchCommittee, day, format!("{year}年{month}月支部委员会"), topic);
                }
                if !skip.contains(&(MeetingKind::GroupMeeting, m)) {
                    let day = ymd(year, month, g.rng.gen_range(13..=22));
                    let topic = *pick(&mut g.rng, &GROUP_TOPICS);
                    held(g, MeetingKind::GroupMeeting, day, format!("{year}年{month}月党小组会"), topic);
                }
            }
            for q in 0..4u32 {
                let last_month = q * 3 + 3;
                if !skip.contains(&(MeetingKind::BranchAssembly, q)) {
                    let day = ymd(year, last_month, g.rng.gen_range(18..=27));
                    let topic = *pick(&mut g.rng, &ASSEMBLY_TOPICS);
                    let n = ["一", "二", "三", "四"][q as usize];
                    held(g, MeetingKind::BranchAssembly, day, format!("{year}年第{n}季度支部党员大会"), topic);
                }
                if !skip.contains(&(MeetingKind::PartyLecture, q)) {
                    let day = ymd(year, last_month - 2 + g.rng.gen_range(0..3), g.rng.gen_range(8..=26));
                    let topic = *pick(&mut g.rng, &LECTURES);
                    held(g, MeetingKind::PartyLecture, day, topic.to_owned(), topic);
                }
            }
        }
    }
    out
}

/// Loads the party demo into the zone.
pub async fn load(app: &App, zone_id: Uuid, cast: &Cast, spec: &Spec, by: &By) -> Result<Seeded, AppError> {
    let now = app.now();
    let today = zone_today(now);
    let mut g = Gen { rng: StdRng::seed_from_u64(spec.seed), zone_id, cast, now, today, orgs: Vec::new() };
    tree(&mut g);
    let first_year = today.year() + 1 - spec.years.max(1) as i32;
    let period_start = ymd(first_year, 1, 1).max(today - Duration::days(365));
    let (members, moves) = members(&mut g, app, spec.members, period_start)?;

    // The `secretary` account leads the packaging workshop of the second named enterprise, which
    // has slipped a little this year.
    let mut secretary_org = None;
    if let Some((user, name)) = &cast.secretary {
        let first = cast.enterprises.get(1).map(|e| e.id);
        let o = g.orgs.iter_mut().find(|o| {
            o.row.org_type == "workshop_branch" && o.row.enterprise_id == first && o.row.workshop.contains("包装")
        });
        if let Some(o) = o {
            o.row.secretary_user_id = Some(*user);
            o.row.secretary_name = name.clone();
            o.diligence = Diligence::Slips;
            secretary_org = Some(o.row.id);
        }
    }

    // The zone's designation types (the defaults, unless it has its own already), then the
    // awards of 21 April (this year's, or last year's before it).
    let existing = yuanqu_store::party::designation_types(&app.db.conn(), zone_id).await?;
    let new_types: Vec<party_designation_type::Model> = DEFAULT_TYPES
        .iter()
        .enumerate()
        .filter(|(_, t)| !existing.iter().any(|e| e.code == t.0))
        .map(|(i, (code, name, criteria, leader, workshop))| party_designation_type::Model {
            id: Uuid::now_v7(),
            zone_id,
            code: (*code).to_owned(),
            name: (*name).to_owned(),
            criteria: (*criteria).to_owned(),
            needs_leader: *leader,
            needs_workshop: *workshop,
            sort: i as i32 + 1,
        })
        .collect();
    let types: Vec<party_designation_type::Model> = existing.into_iter().chain(new_types.iter().cloned()).collect();
    let type_id = |code: &str| types.iter().find(|t| t.code == code).map(|t| t.id).unwrap_or_default();
    let award_day = {
        let d = ymd(today.year(), 4, 21);
        if d <= today { d } else { ymd(today.year() - 1, 4, 21) }
    };
    let award_year = award_day.year();
    let mut designations = Vec::new();
    let designation = |g: &Gen<'_>,
                       org: usize,
                       code: &str,
                       title: String,
                       leader: Option<Uuid>,
                       state: &str,
                       n: usize|
     -> party_designation::Model {
        let applied = award_day - Duration::days(45);
        let awarded = state == "awarded";
        let abbr = match code {
            "red_workshop" => "HSCJ",
            "vanguard_post" => "XFG",
            "red_site" => "HSGD",
            _ => "HSYL",
        };
        party_designation::Model {
            id: Uuid::now_v7(),
            zone_id,
            type_id: type_id(code),
            org_id: g.orgs[org].row.id,
            title,
            workshop: g.orgs[org].row.workshop.clone(),
            leader_member_id: leader,
            materials: "创建申报表、创建工作总结、党员先锋岗设岗定责清单、活动照片".into(),
            state: state.to_owned(),
            applied_by: cast.staff,
            applied_at: noon(if awarded { applied } else { today - Duration::days(6) }, now),
            reviewed_by: awarded.then_some(cast.staff),
            reviewed_at: awarded.then(|| noon(award_day - Duration::days(5), now)),
            review_note: if awarded {
                "经实地查看和材料审核，符合创建标准。".into()
            } else {
                String::new()
            },
            awarded_on: awarded.then_some(award_day),
            ceremony: if awarded { format!("{award_year}年“双红”创建授牌仪式") } else { String::new() },
            certificate_no: if awarded { format!("JJKFQ-{abbr}-{award_year}-{n:03}") } else { String::new() },
            reviewed_year: awarded.then_some(award_year),
            revoked_on: None,
            revoke_reason: String::new(),
            version: 1,
        }
    };
    let workshops: Vec<usize> = (0..g.orgs.len()).filter(|i| g.orgs[*i].row.org_type == "workshop_branch").collect();
    // 26 red workshops: the keeping branches first.
    let mut ranked = workshops.clone();
    ranked.sort_by_key(|w| (g.orgs[*w].diligence != Diligence::Keeps, g.orgs[*w].row.name.clone()));
    let red: Vec<usize> = ranked.iter().copied().take(26).collect();
    for (n, w) in red.iter().enumerate() {
        let title = format!("{}红色车间", g.orgs[*w].row.name.trim_end_matches("党支部"));
        designations.push(designation(&g, *w, "red_workshop", title, None, "awarded", n + 1));
    }
    // 101 vanguard posts: three in each red workshop, the rest in the other workshops, each
    // led by a named member of the branch.
    let mut vanguard = 0;
    let mut round = 0;
    while vanguard < 101 && round < 10 {
        let list: Vec<usize> = if round < 3 { red.clone() } else { workshops.clone() };
        for w in list {
            if vanguard >= 101 {
                break;
            }
            let ms = g.orgs[w].members.clone();
            let Some(m) = ms.get(1 + round) else { continue };
            let leader = &members[*m];
            let post = if leader.post == "车间主任" { "生产调度".to_owned() } else { leader.post.clone() };
            let title = format!("{}{}党员先锋岗（{}）", g.orgs[w].row.workshop, post, leader.name);
            vanguard += 1;
            designations.push(designation(&g, w, "vanguard_post", title, Some(leader.id), "awarded", vanguard));
        }
        round += 1;
    }
    let named = |g: &Gen<'_>, name: &str| g.orgs.iter().position(|o| o.row.name == name);
    if let Some(site) = named(&g, "园区重点项目建设临时党支部") {
        designations.push(designation(
            &g,
            site,
            "red_site",
            "智能装备产业园二期项目红色工地".into(),
            None,
            "awarded",
            1,
        ));
    }
    if let Some(clinic) = named(&g, "园区社区卫生服务中心党支部") {
        designations.push(designation(&g, clinic, "red_medical", "园区“红医先锋”医疗队".into(), None, "awarded", 1));
    }
    // Applications under review: red workshops that are not yet.
    for w in ranked.iter().copied().skip(26).take(3) {
        let title = format!("{}红色车间", g.orgs[w].row.name.trim_end_matches("党支部"));
        designations.push(designation(&g, w, "red_workshop", title, None, "applied", 0));
    }

    // Alliances: four regional, two along industry chains.
    let by_park = |g: &Gen<'_>, park: usize| -> Vec<usize> {
        (0..g.orgs.len()).filter(|i| g.orgs[*i].branch && g.orgs[*i].park == Some(park)).collect()
    };
    let mut alliance_rows = Vec::new();
    let mut alliance_members = Vec::new();
    let mut alliance_orgs: Vec<(Uuid, Vec<usize>)> = Vec::new();
    let plans: [(&str, &str, Vec<usize>, &str); 6] = [
        ("安东片区党建联盟", "neighbourhood", by_park(&g, 1), "安东园片区内企业党组织就近联建，共享党群服务阵地。"),
        ("五里片区党建联盟", "neighbourhood", by_park(&g, 2), "五里园片区企业党组织联学联做，共商园区治理。"),
        ("鞋服行业党建联盟", "business", by_park(&g, 1), "鞋服企业党组织业务相近、党建互促，共育技能人才。"),
        (
            "强弱结对帮扶党建联盟",
            "strong_weak",
            by_park(&g, 0).into_iter().chain(by_park(&g, 4)).collect(),
            "党建工作先进的车间党支部与基础薄弱的企业党支部结对帮扶。",
        ),
        (
            "食品产业链党建联盟",
            "industry_chain",
            by_park(&g, 0),
            "沿食品产业链上下游企业党组织联建，促进原料供应、生产、包装、物流协同。",
        ),
        (
            "装备制造产业链党建联盟",
            "industry_chain",
            by_park(&g, 3).into_iter().chain(by_park(&g, 2)).collect(),
            "装备制造链上企业党组织联建，推动配套协作和技术攻关。",
        ),
    ];
    for (i, (name, kind, candidates, description)) in plans.into_iter().enumerate() {
        let mut c = candidates;
        c.shuffle(&mut g.rng);
        // The lead is a workshop branch where there is one.
        c.sort_by_key(|o| g.orgs[*o].row.org_type != "workshop_branch");
        c.truncate(6 + i % 4 * 2);
        let Some(lead) = c.first().copied() else { continue };
        let id = Uuid::now_v7();
        let founded = ymd(today.year() - 1 - (i as i32 % 3), [3, 6, 9, 11, 5, 8][i], 12);
        alliance_rows.push(party_alliance::Model {
            id,
            zone_id,
            name: name.into(),
            kind: kind.into(),
            lead_org_id: g.orgs[lead].row.id,
            founded_on: Some(founded),
            description: description.into(),
            created_by: cast.staff,
            created_at: noon(founded, now),
            version: 1,
        });
        for o in &c {
            alliance_members.push(party_alliance_member::Model { zone_id, alliance_id: id, org_id: g.orgs[*o].row.id });
        }
        alliance_orgs.push((id, c));
    }

    // Activities and meetings.
    let mut moved = HashMap::new();
    let mut moved_out: HashMap<Uuid, Vec<usize>> = HashMap::new();
    let index: HashMap<Uuid, usize> = members.iter().enumerate().map(|(i, m)| (m.id, i)).collect();
    for mv in &moves {
        if let Some(i) = index.get(&mv.member_id) {
            moved.insert(*i, (mv.moved_on, mv.from_org_id, mv.to_org_id));
            moved_out.entry(mv.from_org_id).or_default().push(*i);
        }
    }
    let roster = Roster { members: &members, moved, moved_out };
    let acts = activities(&mut g, &roster, &alliance_orgs, first_year);

    // This year's compliance, as the view computes it with the default rules.
    let mut seeded = Seeded::default();
    let mut held: HashMap<Uuid, Vec<(MeetingKind, NaiveDate)>> = HashMap::new();
    for a in &acts.rows {
        if let Some(k) = a.meeting_kind.as_deref().and_then(MeetingKind::parse) {
            held.entry(a.org_id).or_default().push((k, a.held_on));
        }
    }
    for o in g.orgs.iter().filter(|o| o.branch) {
        let from = ymd(today.year(), 1, 1).max(o.row.founded_on.unwrap_or(today));
        let h = held.get(&o.row.id).map(Vec::as_slice).unwrap_or_default();
        match compliance(&Requirement::defaults(), h, from, ymd(today.year(), 12, 31), today, 75).0 {
            Colour::Green => seeded.green += 1,
            Colour::Yellow => seeded.yellow += 1,
            Colour::Red => seeded.red += 1,
        }
    }
    seeded.orgs = g.orgs.len();
    seeded.workshop_branches = workshops.len();
    seeded.members = members.len();
    seeded.probationary = members.iter().filter(|m| m.standing == "probationary").count();
    seeded.moves = moves.len();
    let awarded =
        |code: &str| designations.iter().filter(|d| d.state == "awarded" && d.type_id == type_id(code)).count();
    seeded.red_workshops = awarded("red_workshop");
    seeded.vanguard_posts = awarded("vanguard_post");
    seeded.designations = designations.len();
    seeded.alliances = alliance_rows.len();
    seeded.theme_activities_this_year = acts.themes_this_year;
    seeded.study_sessions = acts.study;
    seeded.meetings = acts.meetings;
    seeded.attendance = acts.attendance.len();
    seeded.secretary_org = secretary_org;

    let rows = PartyRows {
        orgs: g.orgs.into_iter().map(|o| o.row).collect(),
        members,
        moves,
        designation_types: new_types,
        designations,
        alliances: alliance_rows,
        alliance_members,
        activities: acts.rows,
        attendance: acts.attendance,
    };
    let summary = serde_json::json!({
        "orgs": seeded.orgs, "members": seeded.members, "designations": seeded.designations,
        "alliances": seeded.alliances, "activities": rows.activities.len(), "attendance": seeded.attendance,
        "years": spec.years,
    });
    let rows = Arc::new(rows);
    let by = by.clone();
    app.db
        .write(|c| {
            let (rows, by, summary) = (rows.clone(), by.clone(), summary.clone());
            Box::pin(async move {
                bulk::insert_party(c, &rows).await?;
                let e = Entry::new("demo.party", "zone", Some(zone_id)).after(summary);
                audit::record(c, now, &by, &RequestCtx::default(), e).await
            })
        })
        .await?;
    Ok(seeded)
}
