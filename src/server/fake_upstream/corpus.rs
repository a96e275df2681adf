//! The fake upstream's offline corpus: company profiles written for this
//! project. SAMPLE DATA: real-sounding, not researched, not to be relied on.
//! It includes fakes, a parked domain, and two companies that share a name.

use crate::domain::company_name::{cache_key, core_name, website_host};

/// What kind of thing a profile is, for the fake validator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A real-sounding operating business.
    Business,
    /// A domain with no business behind it.
    Parked,
    /// A real business with little written about it: verified, only just.
    Thin,
}

/// Businesses the validator verifies with a confidence near the threshold.
const THIN: &[&str] = &["Quietwave Analytics"];

#[derive(Debug, Clone)]
pub struct Profile {
    pub name: String,
    pub website: String,
    pub kind: Kind,
    pub industry: String,
    pub summary: String,
    pub employees: String,
    pub funding_millions: Option<f64>,
    pub last_round: String,
    pub investors: Vec<String>,
    pub headquarters: String,
    pub founded: i32,
    /// IaaS use-case tier (S/A/B/C/D/E/UNKNOWN).
    pub iaas_tier: String,
    /// Managed-inference tier (S/A/B/C/D/UNKNOWN) and platform adoption option.
    pub managed_tier: String,
    pub managed_adoption: String,
    pub growth: Vec<String>,
}

/// name, website, industry, tiers (iaas/managed/adoption), funding $M, founded, HQ, employees, summary
type Row = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    f64,
    i32,
    &'static str,
    &'static str,
    &'static str,
);

const ROWS: &[Row] = &[
    (
        "Anthropic",
        "anthropic.com",
        "Artificial intelligence",
        "S/S/no_evidence",
        14000.0,
        2021,
        "San Francisco, USA",
        "1,000+",
        "an AI safety and research company that trains its own frontier large language models, the Claude family, on large GPU and accelerator clusters",
    ),
    (
        "Cohere",
        "cohere.com",
        "Artificial intelligence",
        "S/A/no_evidence",
        970.0,
        2019,
        "Toronto, Canada",
        "400-500",
        "an enterprise AI company that pre-trains its own Command and Embed foundation models for business use",
    ),
    (
        "Mistral AI",
        "mistral.ai",
        "Artificial intelligence",
        "S/A/no_evidence",
        1100.0,
        2023,
        "Paris, France",
        "200-300",
        "a European lab that trains open-weight and commercial foundation models from scratch",
    ),
    (
        "Cursor",
        "cursor.com",
        "Developer tools",
        "A/S/strong_hints",
        900.0,
        2022,
        "San Francisco, USA",
        "100-200",
        "the AI code editor built by Anysphere, which post-trains its own Composer and Tab models with reinforcement learning at scale",
    ),
    (
        "Perplexity AI",
        "perplexity.ai",
        "Search",
        "B/A/possible",
        915.0,
        2022,
        "San Francisco, USA",
        "200-300",
        "an AI answer engine serving millions of users that runs its own inference stack for its Sonar models",
    ),
    (
        "Character.ai",
        "character.ai",
        "Consumer AI",
        "A/A/possible",
        193.0,
        2021,
        "Menlo Park, USA",
        "100-200",
        "a consumer chatbot platform that post-trains its own large conversational models and serves them to millions of users",
    ),
    (
        "Together AI",
        "together.ai",
        "AI infrastructure",
        "C/D/no_evidence",
        534.0,
        2022,
        "San Francisco, USA",
        "200-300",
        "an AI cloud that provides GPU clusters, training and serverless inference for open-source models to other AI companies",
    ),
    (
        "Fireworks AI",
        "fireworks.ai",
        "AI infrastructure",
        "C/D/no_evidence",
        327.0,
        2022,
        "Redwood City, USA",
        "100-200",
        "an inference platform that serves open models to developers through fast, dedicated endpoints",
    ),
    (
        "Replicate",
        "replicate.com",
        "AI infrastructure",
        "C/D/no_evidence",
        58.0,
        2019,
        "San Francisco, USA",
        "50-100",
        "a platform that lets developers run and fine-tune machine learning models in the cloud through an API, on its own GPU fleet",
    ),
    (
        "Modal",
        "modal.com",
        "AI infrastructure",
        "C/D/no_evidence",
        111.0,
        2021,
        "New York, USA",
        "50-100",
        "a serverless compute platform that gives AI teams on-demand GPUs for inference, training and batch jobs",
    ),
    (
        "Anyscale",
        "anyscale.com",
        "AI infrastructure",
        "C/D/no_evidence",
        259.0,
        2019,
        "San Francisco, USA",
        "200-300",
        "the company behind Ray, offering a managed platform for scaling training and inference workloads on GPU clusters",
    ),
    (
        "Harvey AI",
        "harvey.ai",
        "Legal technology",
        "E/B/confirmed_provider",
        806.0,
        2022,
        "San Francisco, USA",
        "300-400",
        "a legal AI assistant for law firms built on top of third-party frontier models through provider APIs",
    ),
    (
        "Scale AI",
        "scale.com",
        "Data infrastructure",
        "E/C/possible",
        1600.0,
        2016,
        "San Francisco, USA",
        "900-1,000",
        "a data-labelling and evaluation company that supplies training data to AI labs, mostly through human annotation workflows",
    ),
    (
        "Hugging Face",
        "huggingface.co",
        "AI infrastructure",
        "C/B/possible",
        395.0,
        2016,
        "New York, USA",
        "200-300",
        "the hub for open machine learning models and datasets, which also sells inference endpoints and GPU-backed Spaces",
    ),
    (
        "Stability AI",
        "stability.ai",
        "Generative media",
        "S/B/possible",
        230.0,
        2019,
        "London, UK",
        "100-200",
        "a generative AI company that trains its own image, video and audio foundation models such as Stable Diffusion",
    ),
    (
        "Runway",
        "runwayml.com",
        "Generative media",
        "S/B/possible",
        545.0,
        2018,
        "New York, USA",
        "100-200",
        "a creative AI company that trains its own video generation foundation models, the Gen series",
    ),
    (
        "Midjourney",
        "midjourney.com",
        "Generative media",
        "S/A/no_evidence",
        0.0,
        2021,
        "San Francisco, USA",
        "50-100",
        "an independent research lab that trains its own image generation models and serves millions of subscribers",
    ),
    (
        "ElevenLabs",
        "elevenlabs.io",
        "Voice AI",
        "A/A/possible",
        281.0,
        2022,
        "New York, USA",
        "200-300",
        "a voice AI company that trains its own text-to-speech and dubbing models and serves them through an API",
    ),
    (
        "Jasper",
        "jasper.ai",
        "Marketing software",
        "E/C/confirmed_provider",
        131.0,
        2021,
        "Austin, USA",
        "200-300",
        "an AI writing assistant for marketing teams built on third-party large language model APIs",
    ),
    (
        "Copy.ai",
        "copy.ai",
        "Marketing software",
        "E/C/strong_hints",
        13.9,
        2020,
        "Memphis, USA",
        "50-100",
        "a go-to-market AI platform that automates sales and marketing workflows on top of hosted language models",
    ),
    (
        "RoboForce",
        "roboforce.ai",
        "Robotics",
        "D/UNKNOWN/no_evidence",
        15.0,
        2023,
        "Milpitas, USA",
        "20-50",
        "a robotics company building AI-powered robots for outdoor industrial work, training control and perception models",
    ),
    (
        "UserGems",
        "usergems.com",
        "Sales software",
        "E/D/no_evidence",
        20.0,
        2019,
        "San Francisco, USA",
        "50-100",
        "a B2B SaaS tool that tracks job changes of past customers to generate sales pipeline",
    ),
    (
        "11x",
        "11x.ai",
        "Sales software",
        "E/C/possible",
        74.0,
        2022,
        "San Francisco, USA",
        "50-100",
        "a startup selling AI sales agents (digital workers) built on third-party language models",
    ),
    (
        "Suburbia Fulfillment, LLC",
        "suburbiafulfillment.com",
        "Logistics",
        "E/UNKNOWN/no_evidence",
        0.0,
        2018,
        "Phoenix, USA",
        "10-20",
        "a regional package-delivery and e-commerce fulfilment business with warehouses and delivery vans",
    ),
    (
        "Read AI",
        "read.ai",
        "Productivity software",
        "B/B/strong_hints",
        81.0,
        2021,
        "Seattle, USA",
        "50-100",
        "a meeting copilot that summarises calls for millions of users and runs its own speech and summarisation models",
    ),
    (
        "Gong",
        "gong.io",
        "Sales software",
        "E/B/strong_hints",
        584.0,
        2015,
        "San Francisco, USA",
        "1,000+",
        "a revenue intelligence platform that records and analyses sales calls with AI features",
    ),
    (
        "Mercury",
        "mercury.com",
        "Financial services",
        "E/UNKNOWN/no_evidence",
        452.0,
        2017,
        "San Francisco, USA",
        "700-800",
        "a banking platform for startups offering business accounts, cards and treasury",
    ),
    (
        "Mercury",
        "mercurylabs.ai",
        "Robotics",
        "D/UNKNOWN/no_evidence",
        12.0,
        2022,
        "Pittsburgh, USA",
        "10-20",
        "a robotics startup training perception models for warehouse picking arms",
    ),
    (
        "Quietwave Analytics",
        "quietwave.io",
        "Data analytics",
        "C/C/possible",
        8.0,
        2023,
        "Leeds, UK",
        "10-20",
        "a small analytics startup that fine-tunes open models for retail demand forecasting",
    ),
    (
        "led321.com",
        "led321.com",
        "Unknown",
        "E/UNKNOWN/no_evidence",
        0.0,
        0,
        "Unknown",
        "Unknown",
        "a parked domain",
    ),
];

fn profile(row: &Row) -> Profile {
    let (name, website, industry, tiers, funding, founded, hq, employees, summary) = *row;
    let mut tiers = tiers.split('/');
    let iaas_tier = tiers.next().unwrap_or("UNKNOWN").to_string();
    let managed_tier = tiers.next().unwrap_or("UNKNOWN").to_string();
    let managed_adoption = tiers.next().unwrap_or("no_evidence").to_string();
    let parked = website == name;
    let growth = if parked || funding < 1.0 {
        vec![]
    } else if funding > 300.0 {
        vec![
            "rapid_growth".into(),
            "hiring".into(),
            "recent_funding".into(),
        ]
    } else {
        vec!["hiring".into(), "recent_funding".into()]
    };
    Profile {
        name: name.into(),
        website: website.into(),
        kind: if parked {
            Kind::Parked
        } else if THIN.contains(&name) {
            Kind::Thin
        } else {
            Kind::Business
        },
        industry: industry.into(),
        summary: summary.into(),
        employees: employees.into(),
        funding_millions: (funding > 0.0).then_some(funding),
        last_round: if funding > 0.0 {
            format!("Latest round in 2025, total ${funding}M raised")
        } else {
            "Unknown".into()
        },
        investors: if funding > 100.0 {
            vec!["Sample Ventures".into(), "Example Capital".into()]
        } else if funding > 0.0 {
            vec!["Seed Sample Partners".into()]
        } else {
            vec![]
        },
        headquarters: hq.into(),
        founded,
        iaas_tier,
        managed_tier,
        managed_adoption,
        growth,
    }
}

/// A synthetic, valid company for benchmarks and load tests: "Benchmark Co 0042".
fn synthetic(name: &str) -> Option<Profile> {
    let number: u32 = name.strip_prefix("Benchmark Co ")?.trim().parse().ok()?;
    let tiers = ["S", "A", "B", "C", "D", "E"];
    let tier = tiers[(number as usize) % tiers.len()];
    Some(Profile {
        name: name.into(),
        website: format!("benchmark-co-{number}.example"),
        kind: Kind::Business,
        industry: "Artificial intelligence".into(),
        summary: format!(
            "a synthetic AI company number {number} used to benchmark the research pipeline"
        ),
        employees: "50-100".into(),
        funding_millions: Some(f64::from(number % 200)),
        last_round: "Series A".into(),
        investors: vec!["Benchmark Sample Fund".into()],
        headquarters: "Sample City, USA".into(),
        founded: 2020,
        iaas_tier: tier.into(),
        managed_tier: if tier == "E" { "D".into() } else { tier.into() },
        managed_adoption: "possible".into(),
        growth: vec!["hiring".into()],
    })
}

pub struct Corpus {
    profiles: Vec<Profile>,
}

impl Default for Corpus {
    fn default() -> Self {
        Self {
            profiles: ROWS.iter().map(profile).collect(),
        }
    }
}

impl Corpus {
    /// Every profile whose name matches; narrowed by website when one is given.
    pub fn lookup(&self, name: &str, website: Option<&str>) -> Vec<Profile> {
        let key = cache_key(name, None);
        let mut found: Vec<Profile> = self
            .profiles
            .iter()
            .filter(|p| {
                cache_key(&p.name, None) == key || p.website == name.trim().to_ascii_lowercase()
            })
            .cloned()
            .collect();
        if found.is_empty() {
            found.extend(synthetic(core_name(name).as_str()));
        }
        if let Some(host) = website.and_then(website_host) {
            let exact: Vec<Profile> = found
                .iter()
                .filter(|p| p.website == host)
                .cloned()
                .collect();
            if !exact.is_empty() {
                return exact;
            }
        }
        found
    }
}
