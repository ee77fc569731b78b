"""The search evaluation set: 60 decisions from realistic domains and 40 questions.

Queries are phrased as a person would ask them, in their own words (paraphrases, not the
records' wording); each lists the IDs a reviewer would want to see. Records are
(suffix, title, intent, constraints, tags, scope).
"""

from __future__ import annotations

R = tuple[str, str, str, tuple[str, ...], tuple[str, ...], tuple[str, ...]]

RECORDS: tuple[R, ...] = (
    (
        "e0000001",
        "Sessions live in Redis with a 30 minute idle expiry",
        "Web sessions were stored in the Postgres users table and every request wrote a row. "
        "Move them to Redis so reads are O(1) and idle sessions expire on their own.",
        (
            "Session keys expire after 30 minutes without activity",
            "No session data is written to Postgres",
        ),
        ("auth", "performance"),
        ("src/web/session.py",),
    ),
    (
        "e0000002",
        "Passwords are hashed with Argon2id",
        "bcrypt with cost 10 is too cheap on modern GPUs. New and rehashed passwords use Argon2id "
        "with parameters reviewed yearly.",
        ("Never store or log plaintext passwords", "Rehash on next successful login"),
        ("security", "auth"),
        ("src/accounts/hashing.py",),
    ),
    (
        "e0000003",
        "Single sign-on through the company identity provider with OIDC",
        "Employees sign in to the admin console with their corporate identity via OpenID Connect; "
        "local admin accounts are removed.",
        ("The admin console accepts no local passwords",),
        ("auth",),
        ("src/admin/oidc.py",),
    ),
    (
        "e0000004",
        "Access to admin endpoints requires the ops role",
        "Role-based access control for the admin API: only members of the ops role may call "
        "mutating endpoints; everyone else gets 403.",
        ("Role checks happen in middleware, not in handlers",),
        ("security",),
        ("src/admin/rbac.py",),
    ),
    (
        "e0000005",
        "API rate limiting with a token bucket per API key",
        "A single customer's batch job took the public API down. Each API key gets a token "
        "bucket of 100 requests per second with bursts of 200.",
        ("Clients over the limit get 429 with a Retry-After header",),
        ("api",),
        ("src/api/ratelimit.py",),
    ),
    (
        "e0000006",
        "Outgoing HTTP calls retry with exponential backoff and jitter",
        "Calls to partner APIs fail transiently a few times a day. Retry idempotent requests up "
        "to three times with exponential backoff and full jitter.",
        ("Never retry non-idempotent POSTs", "Give up after 10 seconds in total"),
        ("reliability",),
        ("src/http/client.py",),
    ),
    (
        "e0000007",
        "Circuit breaker around the payments provider",
        "When the payments provider is degraded our checkout threads pile up waiting. A circuit "
        "breaker opens after 5 consecutive failures and fails fast for 30 seconds.",
        ("Checkout shows a friendly retry message while the breaker is open",),
        ("payments",),
        ("src/payments/breaker.py",),
    ),
    (
        "e0000008",
        "Idempotency keys on payment creation",
        "Double clicks and client retries created duplicate charges. Payment creation requires "
        "an Idempotency-Key header and replays the stored response for a repeated key.",
        ("Keys are kept for 24 hours",),
        ("payments", "api"),
        ("src/payments/api.py",),
    ),
    (
        "e0000009",
        "Invoices are generated as PDF from HTML templates",
        "Finance needs invoices customers can print. Render invoices from Jinja HTML templates "
        "to PDF with WeasyPrint in a background job.",
        ("Invoice numbers are sequential per legal entity",),
        ("billing",),
        ("src/billing/invoice_pdf.py",),
    ),
    (
        "e0000010",
        "Store money as integer minor units",
        "Floating point rounding produced invoices off by a cent. All amounts are integers in the "
        "currency's minor unit together with an ISO 4217 currency code.",
        ("No float or double for amounts anywhere",),
        ("billing", "payments"),
        ("src/money.py",),
    ),
    (
        "e0000011",
        "Subscription renewals run as a daily batch at 02:00 UTC",
        "Renewing subscriptions one by one at their exact anniversary overloaded the payment "
        "provider at midnight. A daily batch charges all renewals due that day.",
        ("The batch is resumable after a crash",),
        ("billing",),
        ("jobs/renewals.py",),
    ),
    (
        "e0000012",
        "Database schema changes go through versioned Alembic migrations",
        "Hand-applied SQL drifted between staging and production. Every schema change is an "
        "Alembic migration checked into the repository and applied by the deploy pipeline.",
        ("Migrations must be backwards compatible with the previous release",),
        ("database",),
        ("migrations/",),
    ),
    (
        "e0000013",
        "Read replicas serve reporting queries",
        "Monthly reports ran heavy aggregates on the primary Postgres and slowed checkout. "
        "Reporting connects to a read replica and tolerates seconds of lag.",
        ("Reporting code never opens a connection to the primary",),
        ("database", "reporting"),
        ("src/reporting/db.py",),
    ),
    (
        "e0000014",
        "Soft delete for customer records",
        "Support restores accidentally removed customers weekly. Customers get a deleted_at "
        "column; hard deletion happens only through the GDPR erasure job.",
        ("Queries filter deleted rows by default",),
        ("database",),
        ("src/customers/models.py",),
    ),
    (
        "e0000015",
        "GDPR erasure requests are processed within 30 days",
        "Users may ask us to erase their personal data. An erasure job removes personal data "
        "from the database, search index and backups rotation within 30 days.",
        ("Erasure is logged without the erased data",),
        ("privacy", "compliance"),
        ("jobs/erasure.py",),
    ),
    (
        "e0000016",
        "Personal data is never written to logs",
        "Email addresses and phone numbers were found in application logs shipped to a third "
        "party. Log fields pass through a redaction filter.",
        ("The redaction filter is applied to every handler",),
        ("privacy", "logging"),
        ("src/logging/redact.py",),
    ),
    (
        "e0000017",
        "Structured JSON logging with request IDs",
        "Grepping free-text logs across services is slow. Every service logs JSON lines with a "
        "request_id propagated from the edge.",
        ("The request ID header is X-Request-ID",),
        ("logging", "observability"),
        ("src/logging/setup.py",),
    ),
    (
        "e0000018",
        "Prometheus metrics for every HTTP handler",
        "We could not tell which endpoints were slow. Each handler exports request count and "
        "latency histograms; dashboards and alerts are built on them.",
        ("Metric names follow the service_endpoint_unit convention",),
        ("observability",),
        ("src/http/metrics.py",),
    ),
    (
        "e0000019",
        "Distributed tracing with OpenTelemetry",
        "A slow checkout crosses five services and nobody could see where the time went. "
        "Instrument services with OpenTelemetry and sample 10% of traces.",
        ("Trace context is propagated through the message queue too",),
        ("observability",),
        ("src/tracing.py",),
    ),
    (
        "e0000020",
        "Feature flags are served by an in-house flag service",
        "Releases were blocked on risky changes. Features ship dark behind flags evaluated per "
        "user; flags older than 90 days are removed.",
        ("Flag evaluation never blocks a request for more than 5 ms",),
        ("release",),
        ("src/flags/",),
    ),
    (
        "e0000021",
        "Blue-green deployments for the web tier",
        "Deploys caused a minute of errors while pods restarted. Deploy the new version beside "
        "the old one and switch the load balancer when health checks pass.",
        ("Rollback is a load balancer switch, not a redeploy",),
        ("deployment",),
        ("deploy/web.yaml",),
    ),
    (
        "e0000022",
        "Services run as containers on Kubernetes",
        "Hand-managed VMs drifted. Every service is built into a Docker image and runs on the "
        "shared Kubernetes cluster with resource limits.",
        ("Images are built once and promoted between environments",),
        ("infrastructure",),
        ("deploy/",),
    ),
    (
        "e0000023",
        "Secrets are read from Vault at start-up",
        "API keys were committed in config files. Services fetch secrets from HashiCorp Vault "
        "with short-lived tokens; nothing secret lives in the repository.",
        ("A secret never appears in an environment dump or log",),
        ("security",),
        ("src/config/secrets.py",),
    ),
    (
        "e0000024",
        "TLS 1.2 minimum on every public endpoint",
        "A security audit flagged TLS 1.0 on the old API host. All public endpoints require "
        "TLS 1.2 or newer with modern cipher suites.",
        ("HSTS is enabled with a one-year max-age",),
        ("security",),
        ("deploy/ingress.yaml",),
    ),
    (
        "e0000025",
        "Encrypt customer documents at rest with per-tenant keys",
        "Enterprise customers require that their uploaded documents are encrypted with keys we "
        "can revoke per tenant. Use envelope encryption with KMS.",
        ("Data keys are never stored unencrypted",),
        ("security", "storage"),
        ("src/documents/crypto.py",),
    ),
    (
        "e0000026",
        "User uploads go directly to S3 with presigned URLs",
        "Large uploads through our app servers exhausted memory. Browsers upload files straight "
        "to object storage with presigned URLs valid for 10 minutes.",
        ("Uploads are scanned for malware before they are visible",),
        ("storage",),
        ("src/uploads/presign.py",),
    ),
    (
        "e0000027",
        "Image thumbnails are generated asynchronously",
        "Generating thumbnails during the upload request made uploads slow. A worker creates "
        "three thumbnail sizes after the upload completes.",
        ("The original image is never modified",),
        ("media",),
        ("workers/thumbnails.py",),
    ),
    (
        "e0000028",
        "Background jobs run on a Celery queue backed by RabbitMQ",
        "Cron scripts on one host were a single point of failure. Asynchronous work is "
        "published to RabbitMQ and consumed by Celery workers.",
        ("Jobs must be safe to run twice",),
        ("infrastructure",),
        ("workers/",),
    ),
    (
        "e0000029",
        "Order events are published to Kafka",
        "Several teams poll the orders table. Every order state change is published as an event "
        "on a Kafka topic; consumers own their projections.",
        ("Events are versioned with a schema registry",),
        ("events",),
        ("src/orders/events.py",),
    ),
    (
        "e0000030",
        "Outbox pattern for reliable event publishing",
        "Events were lost when the broker was down after the database commit. Events are written "
        "to an outbox table in the same transaction and relayed afterwards.",
        ("The relay delivers at least once",),
        ("events", "database"),
        ("src/outbox.py",),
    ),
    (
        "e0000031",
        "Product search uses Elasticsearch",
        "SQL LIKE queries over the catalogue were slow and had no relevance ranking. The catalogue "
        "is indexed into Elasticsearch with per-language analysers.",
        ("The index is rebuilt from the database nightly",),
        ("search",),
        ("src/catalog/search_index.py",),
    ),
    (
        "e0000032",
        "Catalogue pages are cached at the CDN for five minutes",
        "Traffic spikes from campaigns hit the origin. Product pages carry Cache-Control headers "
        "allowing the CDN to serve them for five minutes.",
        ("Price changes purge the affected pages",),
        ("performance",),
        ("src/web/cache_headers.py",),
    ),
    (
        "e0000033",
        "All timestamps are stored in UTC",
        "Reports mixed local times from three regions and daylight saving broke ordering. "
        "Timestamps are stored in UTC and converted only for display.",
        ("Columns use timestamptz",),
        ("database",),
        ("src/timeutil.py",),
    ),
    (
        "e0000034",
        "The UI is translated with gettext catalogues",
        "We launch in Germany and France. User-facing strings go through gettext; translators "
        "work on PO files.",
        ("No user-visible string is concatenated from fragments",),
        ("frontend", "i18n"),
        ("src/web/i18n/",),
    ),
    (
        "e0000035",
        "The web frontend is a React single-page app",
        "Server-rendered templates made interactive screens hard. The customer dashboard is "
        "rebuilt in React with TypeScript.",
        ("The bundle stays under 300 KB gzipped",),
        ("frontend",),
        ("web/",),
    ),
    (
        "e0000036",
        "Accessibility: the checkout meets WCAG 2.1 AA",
        "Customers using screen readers could not complete checkout. Checkout screens are tested "
        "with axe and keyboard-only navigation.",
        ("Every form field has a label",),
        ("frontend",),
        ("web/checkout/",),
    ),
    (
        "e0000037",
        "Mobile apps talk to a dedicated backend-for-frontend",
        "The iOS and Android apps made dozens of calls per screen. A BFF aggregates the calls "
        "each screen needs into one response.",
        ("The BFF holds no business logic",),
        ("mobile", "api"),
        ("src/bff/",),
    ),
    (
        "e0000038",
        "Public API is versioned in the URL path",
        "A breaking change to the orders API broke integrators. Public endpoints live under "
        "/v1/, /v2/; old versions are supported for 12 months.",
        ("Breaking changes require a new version",),
        ("api",),
        ("src/api/routes.py",),
    ),
    (
        "e0000039",
        "GraphQL for the internal admin tools",
        "Admin screens needed many combinations of fields. Internal tools query a GraphQL "
        "endpoint; the public API stays REST.",
        ("Query depth is limited to 6",),
        ("api",),
        ("src/admin/graphql.py",),
    ),
    (
        "e0000040",
        "Email is sent through a transactional email provider",
        "Our own SMTP server landed in spam folders. Transactional email goes through a provider "
        "with DKIM and SPF configured, using templates.",
        ("Marketing email never uses the transactional account",),
        ("notifications",),
        ("src/notify/email.py",),
    ),
    (
        "e0000041",
        "Push notifications via Firebase Cloud Messaging",
        "Users miss delivery updates. The mobile apps register FCM tokens and the notification "
        "service pushes order status changes.",
        ("Users can opt out per notification type",),
        ("notifications", "mobile"),
        ("src/notify/push.py",),
    ),
    (
        "e0000042",
        "Nightly database backups with a monthly restore drill",
        "We had backups nobody had ever restored. Postgres is backed up nightly with point-in-time "
        "recovery and a restore is rehearsed every month.",
        ("Backups are kept for 35 days in another region",),
        ("database", "reliability"),
        ("ops/backup.sh",),
    ),
    (
        "e0000043",
        "Multi-region failover for the API",
        "A regional outage took us down for four hours. The API runs active-passive in two "
        "regions with DNS failover.",
        ("Recovery time objective is 15 minutes",),
        ("reliability",),
        ("deploy/regions.yaml",),
    ),
    (
        "e0000044",
        "Unit tests run in CI on every pull request",
        "Broken code reached main. The CI pipeline runs the unit test suite and linters on every "
        "pull request and blocks merging on failure.",
        ("The suite finishes in under 10 minutes",),
        ("testing",),
        (".github/workflows/ci.yml",),
    ),
    (
        "e0000045",
        "Contract tests between the orders and billing services",
        "A field rename in orders broke billing in production. Consumer-driven contract tests "
        "with Pact run in both pipelines.",
        ("A provider cannot deploy while a contract fails",),
        ("testing",),
        ("tests/contracts/",),
    ),
    (
        "e0000046",
        "Load tests before every major release",
        "The Black Friday release fell over at twice normal traffic. A k6 load test at three "
        "times peak traffic runs before major releases.",
        ("p99 latency under load stays below 500 ms",),
        ("testing", "performance"),
        ("loadtests/",),
    ),
    (
        "e0000047",
        "Third-party dependencies are pinned and scanned",
        "A compromised package version reached a build. Dependencies are pinned with hashes and "
        "scanned for known vulnerabilities weekly.",
        ("No dependency is added without a review",),
        ("security",),
        ("requirements.lock",),
    ),
    (
        "e0000048",
        "Python services use type hints checked by mypy",
        "Refactors kept breaking callers at runtime. All new Python code is fully annotated and "
        "mypy runs in strict mode in CI.",
        ("No untyped function in new modules",),
        ("code-quality",),
        ("pyproject.toml",),
    ),
    (
        "e0000049",
        "Shopping cart is kept server-side for logged-in users",
        "Carts stored in the browser were lost when switching devices. Logged-in users' carts "
        "are stored on the server and merged on login.",
        ("Guest carts live in a cookie for 7 days",),
        ("checkout",),
        ("src/cart/",),
    ),
    (
        "e0000050",
        "Prices are calculated by a single pricing service",
        "Discounts were computed differently in the app and in invoices. One pricing service "
        "computes prices, discounts and taxes for every channel.",
        ("Price calculation is deterministic for a given timestamp",),
        ("pricing",),
        ("src/pricing/",),
    ),
    (
        "e0000051",
        "VAT is calculated from the customer's shipping country",
        "EU rules require VAT by destination. Tax is computed from the shipping address country "
        "with rates from a maintained table.",
        ("Tax rates are versioned with validity dates",),
        ("pricing", "compliance"),
        ("src/pricing/vat.py",),
    ),
    (
        "e0000052",
        "Inventory reservations expire after 15 minutes",
        "Items in abandoned checkouts stayed reserved and showed as out of stock. A reservation "
        "holds stock for 15 minutes and is then released.",
        ("Stock can never go negative",),
        ("inventory", "checkout"),
        ("src/inventory/reserve.py",),
    ),
    (
        "e0000053",
        "Warehouse stock syncs every five minutes",
        "The shop sold items the warehouse no longer had. Stock levels are pulled from the "
        "warehouse system every five minutes.",
        ("A failed sync raises an alert after three attempts",),
        ("inventory",),
        ("jobs/stock_sync.py",),
    ),
    (
        "e0000054",
        "Shipping labels come from a carrier aggregation API",
        "Integrating each carrier separately took months. Labels and tracking numbers come from "
        "one aggregation API covering all carriers.",
        ("Label PDFs are stored for 90 days",),
        ("shipping",),
        ("src/shipping/labels.py",),
    ),
    (
        "e0000055",
        "Customer support tickets are linked to orders",
        "Agents searched for orders by hand. The help desk integration attaches the order and "
        "customer history to each ticket.",
        ("Agents see payment details only masked",),
        ("support",),
        ("src/support/helpdesk.py",),
    ),
    (
        "e0000056",
        "Audit trail for changes to customer data",
        "Compliance asked who changed a customer's address. Every change to customer data is "
        "recorded with actor, time and old and new values in an append-only table.",
        ("Audit rows are never updated or deleted",),
        ("compliance",),
        ("src/audit/trail.py",),
    ),
    (
        "e0000057",
        "Data warehouse loads run through dbt",
        "Analysts maintained fragile SQL scripts. Transformations into the warehouse are dbt "
        "models with tests and documentation.",
        ("Every model has an owner",),
        ("analytics",),
        ("analytics/dbt/",),
    ),
    (
        "e0000058",
        "Export of orders as CSV for finance",
        "Finance copied orders from screens into spreadsheets. An export endpoint produces CSV "
        "files of orders for a date range.",
        ("Exports are limited to 100,000 rows",),
        ("reporting",),
        ("src/reporting/export.py",),
    ),
    (
        "e0000059",
        "Recommendation model retrained weekly",
        "Product recommendations went stale. The collaborative filtering model is retrained "
        "every week on the last 90 days of orders and evaluated offline before rollout.",
        ("A model is rolled out only if its offline metrics beat the current one",),
        ("ml",),
        ("ml/recommendations/",),
    ),
    (
        "e0000060",
        "Fraud scoring on every card payment",
        "Chargebacks rose sharply. Each card payment is scored by a fraud model; high scores are "
        "held for manual review.",
        ("Scoring adds at most 100 ms to checkout",),
        ("payments", "ml"),
        ("src/payments/fraud.py",),
    ),
)

QUERIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("where do we keep logged in users' session state", ("e0000001",)),
    ("how are user credentials protected in the database", ("e0000002",)),
    ("can staff log into the back office with their work account", ("e0000003",)),
    ("who is allowed to call the admin api", ("e0000004",)),
    ("stop one client from flooding the public api with requests", ("e0000005",)),
    ("what happens when a call to a partner fails temporarily", ("e0000006",)),
    ("protect checkout when the card processor is down", ("e0000007",)),
    ("customers got charged twice when they double clicked", ("e0000008",)),
    ("printable bills for customers", ("e0000009",)),
    ("rounding errors with currency amounts", ("e0000010",)),
    ("when do recurring plans get renewed", ("e0000011",)),
    ("how do we change tables in production", ("e0000012",)),
    ("heavy analytics queries slowing down the main database", ("e0000013",)),
    ("restore a customer someone removed by mistake", ("e0000014", "e0000015")),
    ("a user wants all their data deleted", ("e0000015",)),
    ("keep emails and phone numbers out of the logs", ("e0000016",)),
    ("correlate log lines of one request across services", ("e0000017",)),
    ("which endpoints are slow, dashboards and alerting", ("e0000018",)),
    ("see where time is spent in a request that crosses many services", ("e0000019",)),
    ("ship unfinished features turned off", ("e0000020",)),
    ("zero downtime releases of the website", ("e0000021",)),
    ("how are services packaged and where do they run", ("e0000022",)),
    ("where should API keys and passwords for services be kept", ("e0000023",)),
    ("old insecure https protocol versions", ("e0000024",)),
    ("encryption of files customers upload", ("e0000025", "e0000026")),
    ("big file uploads crash the app servers", ("e0000026",)),
    ("small preview versions of pictures", ("e0000027",)),
    ("how do we run asynchronous work in the background", ("e0000028",)),
    ("other teams want to react when an order changes", ("e0000029", "e0000030")),
    ("messages lost when the broker is unavailable", ("e0000030",)),
    ("full text search over products", ("e0000031",)),
    ("the origin gets overloaded during marketing campaigns", ("e0000032",)),
    ("daylight saving time problems in reports", ("e0000033",)),
    ("support for German and French in the interface", ("e0000034",)),
    ("screen reader users cannot pay", ("e0000036",)),
    ("the iPhone app makes too many requests per screen", ("e0000037",)),
    ("breaking changes for API integrators", ("e0000038",)),
    ("our mails end up as spam", ("e0000040",)),
    ("what if we lose the whole database", ("e0000042", "e0000043")),
    ("items shown as unavailable because of abandoned carts", ("e0000052",)),
)
