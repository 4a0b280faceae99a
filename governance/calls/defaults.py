"""What a new call starts with: two tracks with their forms, a rubric, and the onboarding
checklists per track. Chairs change the call's configuration (the same structure, as JSON)."""

from __future__ import annotations

from typing import Any

DATA_HOLDER_TYPES = [
    "clinical_centre",
    "research_repository",
    "research_infrastructure",
    "university",
]
AI_INNOVATOR_TYPES = ["ai_developer", "industry", "university"]

DEFAULT_CONFIGURATION: dict[str, Any] = {
    "tracks": [
        {
            "kind": "data_holder",
            "description": "Hospitals and repositories that hold cancer images and will share "
            "them through the federation.",
            "provider_types": DATA_HOLDER_TYPES,
            "questions": [
                {
                    "key": "summary",
                    "label": "Summary of the data you offer",
                    "kind": "text",
                    "max_length": 2000,
                },
                {
                    "key": "modality",
                    "label": "Main imaging modality",
                    "kind": "choice",
                    "choices": ["MRI", "CT", "PET", "SPECT", "Ultrasound", "X-ray", "Mammography"],
                },
                {
                    "key": "subjects",
                    "label": "Number of subjects",
                    "kind": "number",
                    "min_value": "1",
                    "max_value": "10000000",
                },
                {"key": "country", "label": "Country where the data is kept", "kind": "country"},
                {
                    "key": "federated_only",
                    "label": "Must the data stay in your hospital (federated use only)?",
                    "kind": "yes_no",
                },
                {
                    "key": "dpo_letter",
                    "label": "Letter of support of your data-protection officer",
                    "kind": "file",
                    "allowed_types": ["pdf"],
                    "max_size_mb": 5,
                    "required": False,
                },
            ],
        },
        {
            "kind": "ai_innovator",
            "description": "SMEs, start-ups and universities that develop AI tools on cancer "
            "images.",
            "provider_types": AI_INNOVATOR_TYPES,
            "questions": [
                {
                    "key": "summary",
                    "label": "What will you build or validate?",
                    "kind": "text",
                    "max_length": 2000,
                },
                {
                    "key": "trl",
                    "label": "Technology readiness level today",
                    "kind": "number",
                    "min_value": "1",
                    "max_value": "9",
                },
                {"key": "country", "label": "Country of the team", "kind": "country"},
                {
                    "key": "business_plan",
                    "label": "Business plan or work plan",
                    "kind": "file",
                    "allowed_types": ["pdf", "docx", "xlsx"],
                    "max_size_mb": 10,
                    "required": False,
                },
            ],
        },
    ],
    "criteria": [
        {"name": "Excellence", "description": "Quality and relevance of the proposal", "weight": 2},
        {"name": "Impact", "description": "Value for the federation and patients", "weight": 2},
        {"name": "Implementation", "description": "Feasibility, team and resources", "weight": 1},
    ],
}

ONBOARDING_CHECKLISTS: dict[str, list[dict[str, Any]]] = {
    "data_holder": [
        {
            "key": "legal_entity",
            "label": "Legal entity and signatory",
            "help_text": "Registered name, registration number and the person who signs.",
        },
        {"key": "dpo_contact", "label": "Data-protection officer contact"},
        {
            "key": "ethics_approval",
            "label": "Ethics approval",
            "needs_evidence": True,
            "help_text": "Upload the approval of your ethics committee (PDF).",
        },
        {
            "key": "warehouse_readiness",
            "label": "Data-warehouse readiness (federation checklist)",
            "needs_evidence": True,
        },
        {"key": "dicom_conformance", "label": "DICOM and metadata conformance"},
        {"key": "network_test", "label": "Network connection test passed"},
        {"key": "statement_drafted", "label": "Availability statement drafted"},
    ],
    "ai_innovator": [
        {"key": "signed_terms", "label": "Signed terms of participation", "needs_evidence": True},
        {"key": "team", "label": "Team members and roles"},
        {"key": "compute_needs", "label": "Compute needs (GPU hours, storage)"},
    ],
}
