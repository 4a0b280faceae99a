"""The rest of the demo federation: five more data holders in five countries, whose datasets the
coordination office registered for them when they joined (SPEC section 6 gives the personas'
stories; these holders have no demo persona). With the repository's six datasets, every facet of
the catalogue, the coverage report and the sites page has something to show.

Read by `governance.catalogue.demo`, which creates them the same way as the repository's.
"""

from __future__ import annotations

from dataclasses import dataclass

from governance.accounts.roles import ProviderType
from governance.catalogue.models import Dataset

REAL = Dataset.Source.REAL_WORLD
TRIAL = Dataset.Source.CLINICAL_TRIAL
CENTRAL = Dataset.Hosting.CENTRAL
FEDERATED = Dataset.Hosting.FEDERATED


@dataclass(frozen=True)
class Holder:
    name: str
    short_name: str
    country: str
    provider_type: str
    domain: str  # datasets are found again by https://data.<domain>/datasets/<slug>
    committee: str


@dataclass(frozen=True)
class Offer:
    """One dataset and its published statement, in the few words that differ between them."""

    slug: str
    title: str
    description: str
    cancer_types: tuple[str, ...]
    modalities: tuple[str, ...]
    body_parts: tuple[str, ...]
    subjects: int
    studies: int
    source: str = REAL
    hosting: str = CENTRAL
    access_rights: str = "restricted"
    conditions: tuple[str, ...] = ("download",)
    permission: str = "HMB"
    modifiers: tuple[str, ...] = ("PUB",)
    disease: str | None = None
    trial_sponsor: str = ""
    industry_sponsored: bool = False
    dose_reports: bool = False


CHARITE = Holder(
    "Charité - Universitätsmedizin Berlin",
    "Charité",
    "DE",
    ProviderType.CLINICAL_CENTRE,
    "charite.example",
    "Charité Imaging Data Access Board",
)
GUSTAVE = Holder(
    "Gustave Roussy",
    "Gustave Roussy",
    "FR",
    ProviderType.CLINICAL_CENTRE,
    "gustaveroussy.example",
    "Gustave Roussy Data Access Committee",
)
RADBOUD = Holder(
    "Radboud University Medical Center",
    "Radboudumc",
    "NL",
    ProviderType.CLINICAL_CENTRE,
    "radboudumc.example",
    "Radboudumc Imaging Data Committee",
)
CHAMPALIMAUD = Holder(
    "Champalimaud Foundation",
    "Champalimaud",
    "PT",
    ProviderType.RESEARCH_REPOSITORY,
    "champalimaud.example",
    "Champalimaud Data Access Committee",
)
VHIO = Holder(
    "Vall d'Hebron Institute of Oncology",
    "VHIO",
    "ES",
    ProviderType.CLINICAL_CENTRE,
    "vhio.example",
    "VHIO Data Access Committee",
)

FEDERATION: dict[Holder, list[Offer]] = {
    CHARITE: [
        Offer(
            "glioma-mri",
            "Adult glioma MRI before and after surgery",
            "Pre- and post-operative MRI of adults with glioma, with WHO grade and survival.",
            ("cancer",),
            ("MR",),
            ("HEAD", "BRAIN"),
            720,
            2150,
            conditions=("download", "in_situ_processing"),
            modifiers=("IRB", "PUB"),
        ),
        Offer(
            "head-neck-ct",
            "Head and neck cancer planning CT with dose reports",
            "Radiotherapy planning CT of head and neck cancers, with dose structured reports.",
            ("cancer",),
            ("CT",),
            ("HEAD", "NECK"),
            530,
            1590,
            dose_reports=True,
        ),
        Offer(
            "hcc-trial",
            "Hepatocellular carcinoma MRI from a completed phase II trial",
            "Liver MRI of the participants of an academic phase II trial of locoregional therapy.",
            ("hepatocellular",),
            ("MR",),
            ("ABDOMEN", "LIVER"),
            188,
            760,
            source=TRIAL,
            trial_sponsor="Charité Clinical Trial Office",
            hosting=FEDERATED,
            conditions=("remote_processing",),
            permission="DS",
            disease="hepatocellular",
            modifiers=("COL", "PUB"),
        ),
        Offer(
            "lung-screening",
            "Low-dose CT lung cancer screening",
            "Low-dose chest CT of a regional screening programme, with follow-up diagnoses.",
            ("lung",),
            ("CT",),
            ("CHEST", "LUNG"),
            4100,
            9800,
            conditions=("download", "remote_processing"),
            permission="GRU",
            dose_reports=True,
        ),
        Offer(
            "sclc-pet",
            "Small-cell lung cancer PET-CT",
            "FDG PET-CT at staging and after chemotherapy of small-cell lung cancer.",
            ("lung_sclc",),
            ("PT", "CT"),
            ("CHEST", "WHOLEBODY"),
            260,
            690,
            hosting=FEDERATED,
            conditions=("in_situ_processing",),
        ),
    ],
    GUSTAVE: [
        Offer(
            "tnbc-trial",
            "Triple-negative breast cancer MRI from a neoadjuvant trial",
            "Breast MRI before, during and after neoadjuvant chemotherapy, industry-sponsored.",
            ("breast_triple_negative",),
            ("MR",),
            ("BREAST",),
            342,
            1260,
            source=TRIAL,
            trial_sponsor="Oncothera SA",
            industry_sponsored=True,
            hosting=FEDERATED,
            conditions=("remote_processing",),
            permission="DS",
            disease="breast",
            modifiers=("NPUNCU", "PUB"),
        ),
        Offer(
            "melanoma-pet",
            "Whole-body PET-CT of metastatic melanoma under immunotherapy",
            "Baseline and response PET-CT of patients treated with checkpoint inhibitors.",
            ("cancer",),
            ("PT", "CT"),
            ("WHOLEBODY",),
            610,
            2440,
            conditions=("download", "in_situ_processing"),
            dose_reports=True,
        ),
        Offer(
            "paediatric-neuroblastoma",
            "Neuroblastoma MIBG scintigraphy and SPECT",
            "MIBG scintigraphy and SPECT of children with neuroblastoma, 2010-2022.",
            ("neuroblastoma",),
            ("NM",),
            ("WHOLEBODY", "ABDOMEN"),
            205,
            830,
            hosting=FEDERATED,
            conditions=("in_situ_processing",),
            permission="DS",
            disease="paediatric",
            modifiers=("IRB",),
        ),
        Offer(
            "colon-ct",
            "Colon cancer staging CT",
            "Contrast-enhanced staging CT of colon cancer with pathology stage.",
            ("colon",),
            ("CT",),
            ("ABDOMEN", "COLON"),
            1480,
            2960,
        ),
        Offer(
            "breast-ultrasound",
            "Breast ultrasound of palpable lesions (open)",
            "Anonymised breast ultrasound images of palpable lesions with biopsy outcome.",
            ("breast",),
            ("US",),
            ("BREAST",),
            900,
            900,
            access_rights="public",
            permission="GRU",
        ),
    ],
    RADBOUD: [
        Offer(
            "prostate-mri",
            "Prostate MRI for AI-assisted detection",
            "Biparametric prostate MRI with radiologist and pathology annotations.",
            ("prostate",),
            ("MR",),
            ("PROSTATE", "PELVIS"),
            2600,
            2600,
            conditions=("download", "remote_processing"),
            permission="GRU",
        ),
        Offer(
            "prostate-psma",
            "PSMA PET-CT of recurrent prostate cancer",
            "PSMA PET-CT at biochemical recurrence after prostatectomy.",
            ("prostate",),
            ("PT", "CT"),
            ("PELVIS", "WHOLEBODY"),
            430,
            560,
            hosting=FEDERATED,
            conditions=("in_situ_processing",),
            dose_reports=True,
        ),
        Offer(
            "lung-nodules",
            "Lung nodules on chest CT (open)",
            "Anonymised chest CT with annotated pulmonary nodules and follow-up.",
            ("lung",),
            ("CT",),
            ("CHEST", "LUNG"),
            1150,
            1150,
            access_rights="public",
            permission="GRU",
        ),
        Offer(
            "rectal-trial",
            "Rectal cancer MRI from a watch-and-wait trial",
            "Rectal MRI of a completed academic trial of organ preservation.",
            ("rectal",),
            ("MR",),
            ("PELVIS", "RECTUM"),
            310,
            1240,
            source=TRIAL,
            trial_sponsor="Dutch Colorectal Cancer Group",
            conditions=("download",),
            permission="DS",
            disease="colorectal",
            modifiers=("IRB", "PUB"),
        ),
        Offer(
            "mammography",
            "Screening mammography with interval cancers",
            "Screening mammograms with screen-detected and interval cancers.",
            ("breast",),
            ("MG",),
            ("BREAST",),
            8800,
            26400,
            hosting=FEDERATED,
            conditions=("remote_processing",),
            dose_reports=True,
            modifiers=("GS", "PUB"),
        ),
    ],
    CHAMPALIMAUD: [
        Offer(
            "pancreas-ct",
            "Pancreatic and liver lesions on multiphase CT",
            "Multiphase abdominal CT of pancreatic cancer and liver metastases.",
            ("liver", "cancer"),
            ("CT",),
            ("ABDOMEN", "LIVER"),
            540,
            1620,
            conditions=("download", "in_situ_processing"),
            dose_reports=True,
        ),
        Offer(
            "rectal-mri",
            "Rectal cancer restaging MRI",
            "Rectal MRI at diagnosis and after chemoradiotherapy with response grade.",
            ("rectal",),
            ("MR",),
            ("PELVIS", "RECTUM"),
            390,
            780,
            hosting=FEDERATED,
            conditions=("in_situ_processing", "remote_processing"),
        ),
        Offer(
            "breast-mri-trial",
            "Breast MRI from an industry-sponsored screening trial",
            "Abbreviated breast MRI of women at high risk, from a completed screening trial.",
            ("breast",),
            ("MR",),
            ("BREAST",),
            1210,
            3630,
            source=TRIAL,
            trial_sponsor="MedScreen Lda",
            industry_sponsored=True,
            hosting=FEDERATED,
            conditions=("remote_processing",),
            modifiers=("TS", "COL"),
        ),
        Offer(
            "brain-metastases",
            "Brain metastases MRI before radiosurgery",
            "Contrast-enhanced brain MRI with contoured metastases before radiosurgery.",
            ("cancer",),
            ("MR",),
            ("BRAIN",),
            470,
            1410,
        ),
    ],
    VHIO: [
        Offer(
            "nsclc-immunotherapy",
            "NSCLC CT under immunotherapy with response",
            "Chest CT of non-small-cell lung cancer before and during immunotherapy.",
            ("lung_nsclc",),
            ("CT",),
            ("CHEST",),
            820,
            3280,
            conditions=("download", "remote_processing"),
            dose_reports=True,
        ),
        Offer(
            "colorectal-trial",
            "Metastatic colorectal cancer CT from a phase III trial",
            "CT of the liver and lung metastases of the participants of a phase III trial.",
            ("colorectal", "liver"),
            ("CT",),
            ("ABDOMEN", "LIVER", "CHEST"),
            560,
            2800,
            source=TRIAL,
            trial_sponsor="Biofarma SL",
            industry_sponsored=True,
            hosting=FEDERATED,
            conditions=("remote_processing",),
            modifiers=("NPUNCU", "COL"),
        ),
        Offer(
            "dipg-mri",
            "Paediatric DIPG MRI",
            "Diagnostic and follow-up MRI of children with diffuse intrinsic pontine glioma.",
            ("dipg",),
            ("MR",),
            ("BRAINSTEM",),
            96,
            410,
            hosting=FEDERATED,
            conditions=("in_situ_processing",),
            permission="DS",
            disease="paediatric",
            modifiers=("IRB",),
        ),
        Offer(
            "liver-ultrasound",
            "Liver ultrasound surveillance of cirrhosis",
            "Surveillance ultrasound of cirrhotic livers with hepatocellular carcinoma outcomes.",
            ("hepatocellular",),
            ("US",),
            ("LIVER",),
            1330,
            5300,
            permission="GRU",
        ),
        Offer(
            "bone-scan",
            "Bone scintigraphy of metastatic breast and prostate cancer",
            "Whole-body bone scans with reported metastases.",
            ("breast", "prostate"),
            ("NM",),
            ("WHOLEBODY",),
            1720,
            3900,
            conditions=("download", "in_situ_processing"),
        ),
    ],
}
