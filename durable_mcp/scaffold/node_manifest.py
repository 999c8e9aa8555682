"""package.json of generated TypeScript/JavaScript projects.

Built as data rather than from a template so it is always valid JSON and the versions live in one
place; the repository's own Node checks read them back from the generated file.
"""

from __future__ import annotations

import json

# Versions that install together today (TypeScript 7 breaks ts-jest and typescript-eslint, hence ~6.0).
SDK = {"@aws/durable-execution-sdk-js": "^2.4.0"}
BEDROCK = {"@aws-sdk/client-bedrock-runtime": "^3.1014.0"}
TEST = {
    "@aws/durable-execution-sdk-js-testing": "^1.1.4",
    "@jest/globals": "^30.5.0",
    "jest": "^30.5.0",
    "@types/node": "^22.18.0",
}
TYPESCRIPT = {
    "typescript": "~6.0.3",
    "@types/aws-lambda": "^8.10.164",
    "ts-jest": "^29.4.15",
    "typescript-eslint": "^8.74.0",
}
LINT_BUILD = {"esbuild": "^0.28.0", "eslint": "^9.39.0", "@eslint/js": "^9.39.0"}
CDK = {"aws-cdk-lib": "2.276.0", "constructs": "^10.8.1", "aws-cdk": "^2.1148.0", "tsx": "^4.20.0"}
# A JavaScript project with a CDK app still type-checks the app (it is TypeScript).
CDK_TYPES = {"typescript": "~6.0.3"}

ENTRY = {"typescript": "src/index.ts", "javascript": "src/index.js"}


def package_json(*, kebab: str, language: str, iac: str, invokes_models: bool, description: str) -> str:
    typescript = language == "typescript"
    deps = dict(SDK)
    if invokes_models:
        deps.update(BEDROCK)
    dev = {**TEST, **LINT_BUILD}
    if typescript:
        dev.update(TYPESCRIPT)
    if iac == "cdk":
        dev.update(CDK)
        dev.update(CDK_TYPES)
    scripts = {
        "build": f"esbuild {ENTRY[language]} --bundle --platform=node --target=node22 --format=cjs "
        "--outfile=dist/index.js --sourcemap",
        "test": "jest",
        "lint": "eslint .",
    }
    if typescript or iac == "cdk":
        scripts["typecheck"] = "tsc --noEmit"
    manifest = {
        "name": kebab,
        "version": "0.1.0",
        "private": True,
        "description": description,
        "type": "commonjs",
        "main": "dist/index.js",
        "engines": {"node": ">=22"},
        "scripts": scripts,
        "dependencies": dict(sorted(deps.items())),
        "devDependencies": dict(sorted(dev.items())),
    }
    return json.dumps(manifest, indent=2) + "\n"
