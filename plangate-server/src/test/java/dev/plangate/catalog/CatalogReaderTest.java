package dev.plangate.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import tools.jackson.databind.json.JsonMapper;

/**
 * The catalog file as docs/catalog.md describes it: what a valid file reads as, and every
 * rule of "What is checked", each reported with the plan or feature it is about.
 */
class CatalogReaderTest {

	/** One feature of every kind, as most tests' plans name them. */
	private static final String FEATURES = """
			- key: api_access
			  kind: switch
			- key: seats
			  kind: quota
			  period: lifetime
			  unit: member
			- key: api_calls
			  kind: quota
			  period: month
			- key: api_rate
			  kind: rate
			  window: minute
			  default: 60
			- key: concurrent_jobs
			  kind: concurrency
			- key: support
			  kind: setting
			  type: enum
			  values: [community, priority, dedicated]
			- key: retention_days
			  kind: setting
			  type: number
			  default: 7
			- key: theme
			  kind: setting
			  type: text
			""";

	private final CatalogReader reader = new CatalogReader();

	@Nested
	class ValidCatalogs {

		@Test
		void validCatalogReadsWithEveryFeatureAndPlanAsWritten() {
			// given
			String text = """
					name: workflow-automation
					defaultPlan: free
					currency: EUR
					features:
					  - key: concurrent_jobs
					    name: Concurrent jobs
					    description: Jobs running at once
					    kind: concurrency
					    unit: job
					  - key: workflows
					    kind: quota
					    period: lifetime
					  - key: api
					    kind: rate
					    window: minute
					    default: 60
					  - key: support
					    kind: setting
					    type: enum
					    values: [community, priority, dedicated]
					plans:
					  - key: free
					    name: Free
					    description: For trying things out
					    price: 0
					    interval: month
					    entitlements:
					      concurrent_jobs: 2
					      workflows: 5
					      support: community
					  - key: enterprise
					    name: Enterprise
					    price: 29900
					    currency: USD
					    interval: year
					    trialDays: 30
					    priority: 20
					    rateMultiplier: 2.5
					    entitlements:
					      concurrent_jobs: unlimited
					      workflows: { limit: unlimited }
					      support: dedicated
					""";

			// when
			CatalogDefinition catalog = reader.read("workflow.yaml", text);

			// then
			assertThat(catalog.name()).isEqualTo("workflow-automation");
			assertThat(catalog.defaultPlan()).isEqualTo("free");
			assertThat(catalog.features()).extracting(Feature::key)
				.containsExactly("concurrent_jobs", "workflows", "api", "support");
			Feature jobs = catalog.feature("concurrent_jobs").orElseThrow();
			assertThat(jobs.name()).isEqualTo("Concurrent jobs");
			assertThat(jobs.description()).isEqualTo("Jobs running at once");
			assertThat(jobs.kind()).isEqualTo(FeatureKind.CONCURRENCY);
			assertThat(jobs.unit()).isEqualTo("job");
			assertThat(catalog.feature("workflows").orElseThrow().period()).isEqualTo(ResetPeriod.LIFETIME);
			Feature api = catalog.feature("api").orElseThrow();
			assertThat(api.windowSeconds()).isEqualTo(60L);
			assertThat(api.defaultEntitlement()).isEqualTo(Entitlement.ofLimit(60));
			Feature support = catalog.feature("support").orElseThrow();
			assertThat(support.settingType()).isEqualTo(SettingType.ENUM);
			assertThat(support.values()).containsExactly("community", "priority", "dedicated");

			PlanDefinition free = catalog.plan("free").orElseThrow();
			assertThat(free.name()).isEqualTo("Free");
			assertThat(free.description()).isEqualTo("For trying things out");
			assertThat(free.price()).isZero();
			assertThat(free.currency()).isEqualTo("EUR");
			assertThat(free.interval()).isEqualTo(BillingInterval.MONTH);
			assertThat(free.entitlements()).hasSize(3)
				.containsEntry("concurrent_jobs", Entitlement.ofLimit(2))
				.containsEntry("workflows", Entitlement.ofLimit(5))
				.containsEntry("support", Entitlement.ofValue("community"));

			PlanDefinition enterprise = catalog.plan("enterprise").orElseThrow();
			assertThat(enterprise.price()).isEqualTo(29900);
			assertThat(enterprise.currency()).isEqualTo("USD");
			assertThat(enterprise.interval()).isEqualTo(BillingInterval.YEAR);
			assertThat(enterprise.trialDays()).isEqualTo(30);
			assertThat(enterprise.queuePriority()).isEqualTo(20);
			assertThat(enterprise.rateMultiplier()).isEqualByComparingTo("2.5");
			assertThat(enterprise.entitlements()).hasSize(3)
				.containsEntry("concurrent_jobs", Entitlement.ofUnlimited())
				.containsEntry("workflows", Entitlement.ofUnlimited())
				.containsEntry("support", Entitlement.ofValue("dedicated"));
		}

		@Test
		void optionalFieldsTakeTheirDocumentedDefaults() {
			// given
			String text = """
					defaultPlan: basic
					features:
					  - key: seats
					    kind: quota
					    period: lifetime
					plans:
					  - key: basic
					    price: 500
					""";

			// when
			CatalogDefinition catalog = reader.read("minimal.yaml", text);

			// then
			assertThat(catalog.name()).isEqualTo("catalog");
			Feature seats = catalog.feature("seats").orElseThrow();
			assertThat(seats.name()).isEqualTo("seats");
			assertThat(seats.defaultEntitlement()).isNull();
			PlanDefinition basic = catalog.plan("basic").orElseThrow();
			assertThat(basic.name()).isEqualTo("basic");
			assertThat(basic.description()).isNull();
			assertThat(basic.currency()).isEqualTo("USD");
			assertThat(basic.interval()).isEqualTo(BillingInterval.MONTH);
			assertThat(basic.trialDays()).isZero();
			assertThat(basic.queuePriority()).isZero();
			assertThat(basic.rateMultiplier()).isEqualByComparingTo(BigDecimal.ONE);
			assertThat(basic.entitlements()).isEmpty();
		}

		@Test
		void planWithoutCurrencyTakesTheCatalogCurrency() {
			// given
			String text = catalog("currency: GBP", FEATURES, """
					- key: free
					  price: 0
					- key: pro
					  price: 900
					  currency: EUR
					""");

			// when
			CatalogDefinition catalog = reader.read("gbp.yaml", text);

			// then
			assertThat(catalog.plan("free").orElseThrow().currency()).isEqualTo("GBP");
			assertThat(catalog.plan("pro").orElseThrow().currency()).isEqualTo("EUR");
		}

		@Test
		void shortFormEntitlementsReadForEveryKind() {
			// given
			String text = catalog(FEATURES, """
					- key: free
					  price: 0
					  entitlements:
					    api_access: true
					    seats: 10
					    api_calls: unlimited
					    api_rate: 120
					    concurrent_jobs: 0
					    support: priority
					    retention_days: 30
					    theme: dark
					- key: max
					  price: 100
					  entitlements:
					    api_access: false
					    retention_days: unlimited
					    theme: unlimited
					""");

			// when
			CatalogDefinition catalog = reader.read("short.yaml", text);

			// then
			assertThat(catalog.plan("free").orElseThrow().entitlements()).hasSize(8)
				.containsEntry("api_access", Entitlement.ofSwitch(true))
				.containsEntry("seats", Entitlement.ofLimit(10))
				.containsEntry("api_calls", Entitlement.ofUnlimited())
				.containsEntry("api_rate", Entitlement.ofLimit(120))
				.containsEntry("concurrent_jobs", Entitlement.ofLimit(0))
				.containsEntry("support", Entitlement.ofValue("priority"))
				.containsEntry("retention_days", Entitlement.ofValue("30"))
				.containsEntry("theme", Entitlement.ofValue("dark"));
			assertThat(catalog.plan("max").orElseThrow().entitlements()).hasSize(3)
				.containsEntry("api_access", Entitlement.ofSwitch(false))
				.containsEntry("retention_days", Entitlement.ofUnlimitedValue())
				.containsEntry("theme", Entitlement.ofValue("unlimited"));
		}

		@Test
		void longFormEntitlementsReadTheSameAsTheShortForm() {
			// given
			String text = catalog(FEATURES, """
					- key: free
					  price: 0
					  entitlements:
					    api_access: { enabled: true }
					    seats: { limit: 10 }
					    api_calls: { limit: unlimited }
					    api_rate: { limit: 120 }
					    concurrent_jobs: { limit: 3 }
					    support: { value: priority }
					    retention_days: { value: 30 }
					    theme: { value: dark }
					""");

			// when
			CatalogDefinition catalog = reader.read("long.yaml", text);

			// then
			assertThat(catalog.plan("free").orElseThrow().entitlements()).hasSize(8)
				.containsEntry("api_access", Entitlement.ofSwitch(true))
				.containsEntry("seats", Entitlement.ofLimit(10))
				.containsEntry("api_calls", Entitlement.ofUnlimited())
				.containsEntry("api_rate", Entitlement.ofLimit(120))
				.containsEntry("concurrent_jobs", Entitlement.ofLimit(3))
				.containsEntry("support", Entitlement.ofValue("priority"))
				.containsEntry("retention_days", Entitlement.ofValue("30"))
				.containsEntry("theme", Entitlement.ofValue("dark"));
		}

		@Test
		void unlimitedHasNoLimitAndIsEnabled() {
			// given
			String text = catalog(FEATURES, """
					- key: free
					  price: 0
					  entitlements:
					    seats: unlimited
					""");

			// when
			Entitlement seats = reader.read("unlimited.yaml", text)
				.plan("free")
				.orElseThrow()
				.entitlements()
				.get("seats");

			// then
			assertThat(seats.unlimited()).isTrue();
			assertThat(seats.enabled()).isTrue();
			assertThat(seats.limit()).isNull();
		}

		@Test
		void zeroLimitMakesTheFeatureUnusableOnThePlan() {
			// given
			String text = catalog(FEATURES, """
					- key: free
					  price: 0
					  entitlements:
					    seats: 0
					""");

			// when
			Entitlement seats = reader.read("zero.yaml", text).plan("free").orElseThrow().entitlements().get("seats");

			// then
			assertThat(seats.limit()).isZero();
			assertThat(seats.enabled()).isFalse();
			assertThat(seats.unlimited()).isFalse();
		}

		@Test
		void overageReadsItsPriceAndUnitsPerPrice() {
			// given
			String text = catalog(FEATURES, """
					- key: free
					  price: 0
					  entitlements:
					    api_calls: { limit: 10000, overage: { price: 2, per: 1000 } }
					""");

			// when
			Entitlement calls = reader.read("overage.yaml", text)
				.plan("free")
				.orElseThrow()
				.entitlements()
				.get("api_calls");

			// then
			assertThat(calls).isEqualTo(Entitlement.ofLimit(10000).withOverage(2, 1000));
			assertThat(calls.overagePrice()).isEqualTo(2L);
			assertThat(calls.overagePer()).isEqualTo(1000L);
		}

		@Test
		void overageWithoutPerPricesEachUnit() {
			// given
			String text = catalog(FEATURES, """
					- key: free
					  price: 0
					  entitlements:
					    api_calls: { limit: 100, overage: { price: 5 } }
					""");

			// when
			Entitlement calls = reader.read("overage.yaml", text)
				.plan("free")
				.orElseThrow()
				.entitlements()
				.get("api_calls");

			// then
			assertThat(calls).isEqualTo(Entitlement.ofLimit(100).withOverage(5, 1));
		}

		@Test
		void overageReadsItsCapAndStripePrice() {
			// given
			String text = catalog(FEATURES, """
					- key: free
					  price: 0
					  entitlements:
					    api_calls: { limit: 100, overage: { price: 5, per: 10, cap: 500, stripePrice: price_Over1 } }
					""");

			// when
			Entitlement calls = reader.read("overage.yaml", text)
				.plan("free")
				.orElseThrow()
				.entitlements()
				.get("api_calls");

			// then
			assertThat(calls).isEqualTo(Entitlement.ofLimit(100).withOverage(5, 10, 500L, "price_Over1"));
			assertThat(calls.overageCap()).isEqualTo(500L);
			assertThat(calls.overageStripePrice()).isEqualTo("price_Over1");
		}

		@Test
		void zeroLimitWithOverageIsPayAsYouGoAndEnabled() {
			// given
			String text = catalog(FEATURES, """
					- key: free
					  price: 0
					  entitlements:
					    api_calls: { limit: 0, overage: { price: 3 } }
					""");

			// when
			Entitlement calls = reader.read("payg.yaml", text)
				.plan("free")
				.orElseThrow()
				.entitlements()
				.get("api_calls");

			// then
			assertThat(calls.enabled()).isTrue();
			assertThat(calls.limit()).isZero();
			assertThat(calls.hasOverage()).isTrue();
			assertThat(calls.overageCap()).isNull();
		}

		@ParameterizedTest
		@CsvSource({ "second, 1", "minute, 60", "hour, 3600", "day, 86400", "PT15M, 900", "PT1H, 3600", "PT90S, 90",
				"P1D, 86400" })
		void rateWindowReadsAsSeconds(String window, long seconds) {
			// given
			String text = catalog("""
					- key: api_rate
					  kind: rate
					  window: %s
					""".formatted(window), """
					- key: free
					  price: 0
					""");

			// when
			Feature rate = reader.read("window.yaml", text).feature("api_rate").orElseThrow();

			// then
			assertThat(rate.windowSeconds()).isEqualTo(seconds);
		}

		@ParameterizedTest
		@CsvSource({ "hour, HOUR", "day, DAY", "month, MONTH", "billing_period, BILLING_PERIOD", "lifetime, LIFETIME" })
		void everyDocumentedQuotaPeriodReads(String period, ResetPeriod expected) {
			// given
			String text = catalog("""
					- key: calls
					  kind: quota
					  period: %s
					""".formatted(period), """
					- key: free
					  price: 0
					""");

			// when
			Feature calls = reader.read("period.yaml", text).feature("calls").orElseThrow();

			// then
			assertThat(calls.period()).isEqualTo(expected);
		}

		@Test
		void featureDefaultsReadInTheFeaturesKind() {
			// given
			String text = catalog("""
					- key: api_rate
					  kind: rate
					  window: minute
					  default: 60
					- key: retention_days
					  kind: setting
					  type: number
					  default: 7
					- key: support
					  kind: setting
					  type: enum
					  values: [community, priority]
					  default: community
					- key: beta
					  kind: switch
					  default: { enabled: true }
					""", """
					- key: free
					  price: 0
					""");

			// when
			CatalogDefinition catalog = reader.read("defaults.yaml", text);

			// then
			assertThat(catalog.feature("api_rate").orElseThrow().defaultEntitlement())
				.isEqualTo(Entitlement.ofLimit(60));
			assertThat(catalog.feature("retention_days").orElseThrow().defaultEntitlement())
				.isEqualTo(Entitlement.ofValue("7"));
			assertThat(catalog.feature("support").orElseThrow().defaultEntitlement())
				.isEqualTo(Entitlement.ofValue("community"));
			assertThat(catalog.feature("beta").orElseThrow().defaultEntitlement())
				.isEqualTo(Entitlement.ofSwitch(true));
		}

		@Test
		void keyOfSixtyFourCharactersIsAccepted() {
			// given
			String key = "k" + "_".repeat(62) + "9";
			String text = catalog("""
					- key: %s
					  kind: switch
					""".formatted(key), """
					- key: free
					  price: 0
					""");

			// when
			CatalogDefinition catalog = reader.read("long-key.yaml", text);

			// then
			assertThat(key).hasSize(64);
			assertThat(catalog.feature(key)).isPresent();
		}

		@Test
		void priceAboveTheIntRangeIsAcceptedAsMinorUnits() {
			// given: 30 000 000.00 in minor units, beyond 2^31
			String text = catalog(FEATURES, """
					- key: free
					  price: 0
					- key: whale
					  price: 3000000000
					""");

			// when
			CatalogDefinition catalog = reader.read("whale.yaml", text);

			// then
			assertThat(catalog.plan("whale").orElseThrow().price()).isEqualTo(3_000_000_000L);
		}

		@Test
		void catalogFileReadsFromDisk(@TempDir Path dir) throws Exception {
			// given
			Path file = dir.resolve("catalog.yaml");
			Files.writeString(file, catalog(FEATURES, """
					- key: free
					  price: 0
					"""));

			// when
			CatalogDefinition catalog = reader.read(file);

			// then
			assertThat(catalog.plans()).extracting(PlanDefinition::key).containsExactly("free");
		}

		@Test
		void defaultCatalogOnTheClassPathIsValid() throws Exception {
			// given
			String text;
			try (var in = getClass().getResourceAsStream("/catalogs/default.yaml")) {
				assertThat(in).as("classpath:catalogs/default.yaml").isNotNull();
				text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
			}

			// when
			CatalogDefinition catalog = reader.read("classpath:catalogs/default.yaml", text);

			// then
			assertThat(catalog.defaultPlan()).isEqualTo("free");
			assertThat(catalog.plans()).extracting(PlanDefinition::key).containsExactly("free", "pro", "enterprise");
			assertThat(catalog.plan("pro").orElseThrow().entitlements().get("api_calls"))
				.isEqualTo(Entitlement.ofLimit(100000).withOverage(1, 100));
		}

	}

	@Nested
	class EveryProblemAtOnce {

		@Test
		void badCatalogReportsEveryProblemAtOnceNamingPlanOrFeature() {
			// given: one file with many mistakes
			String text = """
					name: broken
					defaultPlan: basic
					currency: DOLLARS
					colour: blue
					features:
					  - key: seats
					    kind: quota
					    period: lifetime
					  - key: sso
					    kind: switch
					  - key: api
					    kind: rate
					    window: minute
					  - key: tier
					    kind: setting
					    type: enum
					    values: [bronze, silver]
					  - key: Bad-Key
					    kind: switch
					  - key: seats
					    kind: switch
					  - key: widgets
					    kind: gadget
					  - key: uptime
					    kind: quota
					  - key: calls
					    kind: quota
					    period: week
					  - key: api_rate
					    kind: rate
					    window: fortnight
					  - key: beta
					    kind: switch
					    period: month
					  - key: support
					    kind: setting
					    type: enum
					  - key: level
					    kind: setting
					    type: colour
					  - key: legacy
					    kind: switch
					    limit: 3
					plans:
					  - key: free
					    price: 0
					  - key: free
					    price: 0
					  - key: pro
					    price: -100
					    currency: ZZZ
					    interval: week
					    entitlements:
					      storage: 10
					      seats: ten
					      sso: 5
					      tier: gold
					      api: { limit: 10, overage: { price: 1 } }
					  - key: team
					    price: 900
					    cost: 9
					    entitlements:
					      seats: -1
					""";

			// when
			var problems = problemsOf("broken.yaml", text);

			// then
			assertHasProblem(problems, "catalog: currency 'DOLLARS' is not an ISO 4217 code");
			assertHasProblem(problems, "catalog: unknown field 'colour'");
			assertHasProblem(problems, "feature #5: key 'Bad-Key' must match");
			assertHasProblem(problems, "feature 'seats': duplicate key");
			assertHasProblem(problems, "feature 'widgets': kind 'gadget' is not one of");
			assertHasProblem(problems, "feature 'uptime': period is required");
			assertHasProblem(problems, "feature 'calls': period 'week' is not one of");
			assertHasProblem(problems, "feature 'api_rate': window 'fortnight' is not second, minute, hour, day");
			assertHasProblem(problems, "feature 'beta': period is not allowed here");
			assertHasProblem(problems, "feature 'support': values must be a non-empty list for an enum setting");
			assertHasProblem(problems, "feature 'level': type 'colour' is not one of");
			assertHasProblem(problems, "feature 'legacy': unknown field 'limit'");
			assertHasProblem(problems, "plan 'free': duplicate key");
			assertHasProblem(problems, "plan 'pro': price must not be negative, not -100");
			assertHasProblem(problems, "plan 'pro': currency 'ZZZ' is not an ISO 4217 code");
			assertHasProblem(problems, "plan 'pro': interval 'week' is not one of [month, year]");
			assertHasProblem(problems, "plan 'pro': entitlement 'storage': unknown feature");
			assertHasProblem(problems,
					"plan 'pro': entitlement 'seats': must be a whole number or 'unlimited', not 'ten'");
			assertHasProblem(problems, "plan 'pro': entitlement 'sso': must be true or false for a switch, not 5");
			assertHasProblem(problems, "plan 'pro': entitlement 'tier': 'gold' is not one of [bronze, silver]");
			assertHasProblem(problems, "plan 'pro': entitlement 'api': overage: only quota features");
			assertHasProblem(problems, "plan 'team': unknown field 'cost'");
			assertHasProblem(problems, "plan 'team': entitlement 'seats': must not be negative, not -1");
			assertHasProblem(problems, "defaultPlan: 'basic' is not a plan of this catalog");
			assertThat(problems).hasSize(24);
		}

		@Test
		void exceptionMessageNamesTheSourceAndListsEveryProblem() {
			// given
			String text = catalog(FEATURES, """
					- key: free
					  price: -1
					  entitlements:
					    seats: ten
					""");

			// when
			CatalogException ex = catchThrowableOfType(CatalogException.class,
					() -> reader.read("/etc/plangate/catalog.yaml", text));

			// then
			assertThat(ex.problems()).hasSize(2);
			assertThat(ex.getMessage()).startsWith("Catalog /etc/plangate/catalog.yaml has 2 problems:")
				.contains("plan 'free': price must not be negative, not -1")
				.contains("plan 'free': entitlement 'seats': must be a whole number or 'unlimited', not 'ten'");
		}

		@Test
		void planWithAProblemIsNotAlsoReportedAsAnUnknownDefaultPlan() {
			// given: the default plan exists but has a negative price; another plan is
			// fine
			String text = catalog(FEATURES, """
					- key: free
					  price: -5
					- key: pro
					  price: 2900
					""");

			// when
			var problems = problemsOf("default-with-problem.yaml", text);

			// then: the one real problem, not a claim that 'free' does not exist
			assertThat(problems).containsExactly("plan 'free': price must not be negative, not -5");
		}

		@Test
		void featureWithAProblemIsNotAlsoReportedAsUnknownInPlans() {
			// given: 'seats' is declared (without its period) and a plan grants it
			String text = catalog("""
					- key: seats
					  kind: quota
					""", """
					- key: free
					  price: 0
					  entitlements:
					    seats: 3
					""");

			// when
			var problems = problemsOf("feature-with-problem.yaml", text);

			// then: the one real problem, not a claim that 'seats' is an unknown feature
			assertThat(problems).containsExactly("feature 'seats': period is required");
		}

		@Test
		void duplicateFeatureKeyIsReportedEvenWhenTheFirstOfThemHasAProblem() {
			// given: two features 'seats', the first without its period
			String text = catalog("""
					- key: seats
					  kind: quota
					- key: seats
					  kind: switch
					""", """
					- key: free
					  price: 0
					""");

			// when
			var problems = problemsOf("duplicate-feature.yaml", text);

			// then: both mistakes, so that fixing the first does not reveal the second on
			// the next start
			assertThat(problems).containsExactlyInAnyOrder("feature 'seats': period is required",
					"feature 'seats': duplicate key");
		}

		@Test
		void duplicatePlanKeyIsReportedEvenWhenTheFirstOfThemHasAProblem() {
			// given: two plans 'pro', the first with a negative price
			String text = catalog(FEATURES, """
					- key: free
					  price: 0
					- key: pro
					  price: -1
					- key: pro
					  price: 2900
					""");

			// when
			var problems = problemsOf("duplicate-plan.yaml", text);

			// then
			assertThat(problems).containsExactlyInAnyOrder("plan 'pro': price must not be negative, not -1",
					"plan 'pro': duplicate key");
		}

	}

	@Nested
	class WhatIsChecked {

		@Test
		void alertThresholdsOfAQuotaReadAsWritten() {
			// given
			String text = catalog("""
					- key: api_calls
					  kind: quota
					  period: month
					  alertThresholds: [50, 80, 100, 150]
					- key: seats
					  kind: quota
					  period: lifetime
					""", """
					- key: free
					  price: 0
					""");

			// when
			var features = reader.read("alerts.yaml", text).features();

			// then
			assertThat(features.get(0).alertThresholds()).containsExactly(50, 80, 100, 150);
			assertThat(features.get(1).alertThresholds()).as("absent: the server's default").isEmpty();
		}

		@Test
		void alertThresholdsOutOfRangeUnsortedRepeatedOrOnAnotherKindAreReported() {
			// given
			String text = catalog("""
					- key: calls
					  kind: quota
					  period: month
					  alertThresholds: [0, 80, 1001]
					- key: jobs
					  kind: quota
					  period: month
					  alertThresholds: [100, 80]
					- key: runs
					  kind: quota
					  period: month
					  alertThresholds: [80, 80]
					- key: texts
					  kind: quota
					  period: month
					  alertThresholds: eighty
					- key: api_access
					  kind: switch
					  alertThresholds: [80]
					""", """
					- key: free
					  price: 0
					""");

			// when
			var problems = problemsOf(text);

			// then
			assertHasProblem(problems, "feature 'calls': alertThresholds[0] must be a percent from 1 to 1000, not 0");
			assertHasProblem(problems,
					"feature 'calls': alertThresholds[2] must be a percent from 1 to 1000, not 1001");
			assertHasProblem(problems,
					"feature 'jobs': alertThresholds[1] must be greater than the threshold before it");
			assertHasProblem(problems,
					"feature 'runs': alertThresholds[1] must be greater than the threshold before it");
			assertHasProblem(problems, "feature 'texts': alertThresholds must be a list of percents");
			assertHasProblem(problems,
					"feature 'api_access': alertThresholds is not allowed here: only quota features have usage alerts");
		}

		@Test
		void unknownFieldOfTheCatalogIsReported() {
			// given
			String text = catalog("plan: free", FEATURES, """
					- key: free
					  price: 0
					""");

			// when
			var problems = problemsOf(text);

			// then
			assertThat(problems).containsExactly("catalog: unknown field 'plan'");
		}

		@Test
		void unknownFieldOfAFeatureIsReportedNamingTheFeature() {
			// given
			String text = catalog("""
					- key: seats
					  kind: quota
					  period: lifetime
					  limit: 10
					""", """
					- key: free
					  price: 0
					""");

			// when
			var problems = problemsOf(text);

			// then
			assertThat(problems).containsExactly("feature 'seats': unknown field 'limit'");
		}

		@Test
		void unknownFieldOfAPlanIsReportedNamingThePlan() {
			// given
			String text = catalog(FEATURES, """
					- key: free
					  price: 0
					  trial_days: 14
					""");

			// when
			var problems = problemsOf(text);

			// then
			assertThat(problems).containsExactly("plan 'free': unknown field 'trial_days'");
		}

		@Test
		void unknownFieldOfAnEntitlementIsReportedNamingPlanAndFeature() {
			// given
			String text = catalog(FEATURES, """
					- key: free
					  price: 0
					  entitlements:
					    seats: { limit: 3, max: 5 }
					    api_calls: { limit: 100, overage: { price: 1, every: 10 } }
					""");

			// when
			var problems = problemsOf(text);

			// then
			assertThat(problems).containsExactlyInAnyOrder("plan 'free': entitlement 'seats': unknown field 'max'",
					"plan 'free': entitlement 'api_calls': overage: unknown field 'every'");
		}

		@Test
		void missingRequiredFieldsAreReported() {
			// given
			String text = """
					features:
					  - kind: switch
					  - key: seats
					plans:
					  - key: free
					  - name: Nameless
					    price: 0
					""";

			// when
			var problems = problemsOf(text);

			// then
			assertThat(problems).containsExactlyInAnyOrder("feature #1: key is required",
					"feature 'seats': kind is required", "plan 'free': price is required", "plan #2: key is required",
					"catalog: defaultPlan is required");
		}

		@Test
		void longFormWithoutItsValueFieldIsReported() {
			// given
			String text = catalog(FEATURES, """
					- key: free
					  price: 0
					  entitlements:
					    api_access: {}
					    seats: { overage: { price: 1 } }
					    support: {}
					""");

			// when
			var problems = problemsOf(text);

			// then
			assertThat(problems).containsExactlyInAnyOrder("plan 'free': entitlement 'api_access': enabled is required",
					"plan 'free': entitlement 'seats': limit is required",
					"plan 'free': entitlement 'support': value is required");
		}

		@Test
		void emptyFeatureAndPlanListsAreReported() {
			// given
			String text = """
					defaultPlan: free
					features: []
					plans: []
					""";

			// when
			var problems = problemsOf(text);

			// then
			assertThat(problems).containsExactlyInAnyOrder("features: must be a non-empty list",
					"plans: must be a non-empty list");
		}

		@ParameterizedTest
		@ValueSource(strings = { "Seats", "1seats", "_seats", "seats-total", "seats.total", "séats",
				"k12345678901234567890123456789012345678901234567890123456789012345" })
		void featureKeyBreakingThePatternIsReportedNamingTheKey(String key) {
			// given
			String text = catalog("""
					- key: "%s"
					  kind: switch
					""".formatted(key), """
					- key: free
					  price: 0
					""");

			// when
			var problems = problemsOf(text);

			// then
			assertThat(problems).containsExactly("feature #1: key '" + key + "' must match [a-z][a-z0-9_]{0,63}");
		}

		@Test
		void planKeyBreakingThePatternIsReportedNamingTheKey() {
			// given
			String text = catalog(FEATURES, """
					- key: free
					  price: 0
					- key: Pro-Plan
					  price: 100
					""");

			// when
			var problems = problemsOf(text);

			// then
			assertThat(problems).containsExactly("plan #2: key 'Pro-Plan' must match [a-z][a-z0-9_]{0,63}");
		}

		@Test
		void duplicateFeatureKeyIsReported() {
			// given
			String text = catalog("""
					- key: seats
					  kind: quota
					  period: lifetime
					- key: seats
					  kind: switch
					""", """
					- key: free
					  price: 0
					""");

			// when
			var problems = problemsOf(text);

			// then
			assertThat(problems).containsExactly("feature 'seats': duplicate key");
		}

		@Test
		void duplicatePlanKeyIsReported() {
			// given
			String text = catalog(FEATURES, """
					- key: free
					  price: 0
					- key: pro
					  price: 100
					- key: pro
					  price: 200
					""");

			// when
			var problems = problemsOf(text);

			// then
			assertThat(problems).containsExactly("plan 'pro': duplicate key");
		}

		@Test
		void unknownKindIsReportedWithTheKindsThatExist() {
			// given
			String text = catalog("""
					- key: seats
					  kind: limit
					""", """
					- key: free
					  price: 0
					""");

			// when
			var problems = problemsOf(text);

			// then
			assertThat(problems).containsExactly(
					"feature 'seats': kind 'limit' is not one of [switch, quota, rate, concurrency, setting]");
		}

		@Test
		void unknownPeriodIsReportedWithThePeriodsThatExist() {
			// given
			String text = catalog("""
					- key: calls
					  kind: quota
					  period: week
					""", """
					- key: free
					  price: 0
					""");

			// when
			var problems = problemsOf(text);

			// then
			assertThat(problems).containsExactly(
					"feature 'calls': period 'week' is not one of [hour, day, month, billing_period, lifetime]");
		}

		@ParameterizedTest
		@ValueSource(strings = { "fortnight", "15m", "PT0S", "-PT15M", "PT0.5S", "P1W2" })
		void unknownOrTooShortWindowIsReported(String window) {
			// given
			String text = catalog("""
					- key: api_rate
					  kind: rate
					  window: "%s"
					""".formatted(window), """
					- key: free
					  price: 0
					""");

			// when
			var problems = problemsOf(text);

			// then
			assertThat(problems).containsExactly("feature 'api_rate': window '" + window
					+ "' is not second, minute, hour, day or an ISO-8601 duration of at least one second");
		}

		@Test
		void unknownSettingTypeIsReportedWithTheTypesThatExist() {
			// given
			String text = catalog("""
					- key: level
					  kind: setting
					  type: colour
					""", """
					- key: free
					  price: 0
					""");

			// when
			var problems = problemsOf(text);

			// then
			assertThat(problems).containsExactly("feature 'level': type 'colour' is not one of [number, text, enum]");
		}

		@Test
		void unknownIntervalIsReportedNamingThePlan() {
			// given
			String text = catalog(FEATURES, """
					- key: free
					  price: 0
					  interval: week
					""");

			// when
			var problems = problemsOf(text);

			// then
			assertThat(problems).containsExactly("plan 'free': interval 'week' is not one of [month, year]");
		}

		@Test
		void quotaWithoutPeriodIsReported() {
			// given
			String text = catalog("""
					- key: api_calls
					  kind: quota
					""", """
					- key: free
					  price: 0
					""");

			// when
			var problems = problemsOf(text);

			// then
			assertThat(problems).containsExactly("feature 'api_calls': period is required");
		}

		@Test
		void rateWithoutWindowIsReported() {
			// given
			String text = catalog("""
					- key: api_rate
					  kind: rate
					""", """
					- key: free
					  price: 0
					""");

			// when
			var problems = problemsOf(text);

			// then
			assertThat(problems).containsExactly("feature 'api_rate': window is required");
		}

		@Test
		void settingWithoutTypeIsReported() {
			// given
			String text = catalog("""
					- key: support
					  kind: setting
					""", """
					- key: free
					  price: 0
					""");

			// when
			var problems = problemsOf(text);

			// then
			assertThat(problems).containsExactly("feature 'support': type is required");
		}

		@Test
		void periodOnAFeatureThatIsNotAQuotaIsReported() {
			// given
			String text = catalog("""
					- key: api_rate
					  kind: rate
					  window: minute
					  period: month
					- key: concurrent_jobs
					  kind: concurrency
					  period: day
					""", """
					- key: free
					  price: 0
					""");

			// when
			var problems = problemsOf(text);

			// then
			assertThat(problems).containsExactlyInAnyOrder(
					"feature 'api_rate': period is not allowed here: only quota features have a period",
					"feature 'concurrent_jobs': period is not allowed here: only quota features have a period");
		}

		@Test
		void windowOnAFeatureThatIsNotARateIsReported() {
			// given
			String text = catalog("""
					- key: api_calls
					  kind: quota
					  period: month
					  window: minute
					""", """
					- key: free
					  price: 0
					""");

			// when
			var problems = problemsOf(text);

			// then
			assertThat(problems)
				.containsExactly("feature 'api_calls': window is not allowed here: only rate features have a window");
		}

		@Test
		void typeOnAFeatureThatIsNotASettingIsReported() {
			// given
			String text = catalog("""
					- key: sso
					  kind: switch
					  type: text
					""", """
					- key: free
					  price: 0
					""");

			// when
			var problems = problemsOf(text);

			// then
			assertThat(problems)
				.containsExactly("feature 'sso': type is not allowed here: only setting features have a type");
		}

		@Test
		void valuesOnASettingThatIsNotAnEnumIsReported() {
			// given
			String text = catalog("""
					- key: retention_days
					  kind: setting
					  type: number
					  values: [7, 30]
					""", """
					- key: free
					  price: 0
					""");

			// when
			var problems = problemsOf(text);

			// then
			assertThat(problems).containsExactly(
					"feature 'retention_days': values is not allowed here: only enum settings have values");
		}

		@ParameterizedTest
		@ValueSource(strings = { "", "  values: []\n", "  values: none\n" })
		void enumWithoutValuesIsReported(String values) {
			// given
			String text = catalog("""
					- key: support
					  kind: setting
					  type: enum
					""" + values, """
					- key: free
					  price: 0
					""");

			// when
			var problems = problemsOf(text);

			// then
			assertThat(problems)
				.containsExactly("feature 'support': values must be a non-empty list for an enum setting");
		}

		@Test
		void enumValueListedTwiceIsReported() {
			// given
			String text = catalog("""
					- key: support
					  kind: setting
					  type: enum
					  values: [community, gold, gold]
					""", """
					- key: free
					  price: 0
					""");

			// when
			var problems = problemsOf(text);

			// then
			assertThat(problems).containsExactly("feature 'support': values: 'gold' is listed twice");
		}

		@Test
		void negativeLimitIsReportedInShortAndLongForm() {
			// given
			String text = catalog(FEATURES, """
					- key: free
					  price: 0
					  entitlements:
					    seats: -1
					    concurrent_jobs: { limit: -3 }
					""");

			// when
			var problems = problemsOf(text);

			// then
			assertThat(problems).containsExactlyInAnyOrder(
					"plan 'free': entitlement 'seats': must not be negative, not -1",
					"plan 'free': entitlement 'concurrent_jobs': must not be negative, not -3");
		}

		@Test
		void negativeFeatureDefaultIsReportedNamingTheFeature() {
			// given
			String text = catalog("""
					- key: api_rate
					  kind: rate
					  window: minute
					  default: -60
					""", """
					- key: free
					  price: 0
					""");

			// when
			var problems = problemsOf(text);

			// then
			assertThat(problems).containsExactly("feature 'api_rate': default: must not be negative, not -60");
		}

		@Test
		void negativePriceIsReportedNamingThePlan() {
			// given
			String text = catalog(FEATURES, """
					- key: free
					  price: 0
					- key: pro
					  price: -2900
					""");

			// when
			var problems = problemsOf(text);

			// then
			assertThat(problems).containsExactly("plan 'pro': price must not be negative, not -2900");
		}

		@Test
		void negativeOveragePriceIsReported() {
			// given
			String text = catalog(FEATURES, """
					- key: free
					  price: 0
					  entitlements:
					    api_calls: { limit: 100, overage: { price: -1, per: 10 } }
					""");

			// when
			var problems = problemsOf(text);

			// then
			assertThat(problems)
				.containsExactly("plan 'free': entitlement 'api_calls': overage: price must not be negative, not -1");
		}

		@Test
		void negativeTrialDaysAndPriorityAreReported() {
			// given
			String text = catalog(FEATURES, """
					- key: free
					  price: 0
					  trialDays: -14
					  priority: -1
					""");

			// when
			var problems = problemsOf(text);

			// then
			assertThat(problems).containsExactlyInAnyOrder("plan 'free': trialDays must not be negative, not -14",
					"plan 'free': priority must not be negative, not -1");
		}

		@ParameterizedTest
		@ValueSource(strings = { "0", "-1", "fast" })
		void rateMultiplierThatIsNotPositiveIsReported(String multiplier) {
			// given
			String text = catalog(FEATURES, """
					- key: free
					  price: 0
					  rateMultiplier: %s
					""".formatted(multiplier));

			// when
			var problems = problemsOf(text);

			// then
			assertThat(problems).singleElement()
				.asString()
				.startsWith("plan 'free': rateMultiplier must be a positive number, not ");
		}

		@Test
		void priceThatIsNotAWholeNumberIsReported() {
			// given
			String text = catalog(FEATURES, """
					- key: free
					  price: 9.99
					""");

			// when
			var problems = problemsOf(text);

			// then
			assertThat(problems).containsExactly("plan 'free': price must be a whole number, not 9.99");
		}

		@Test
		void textForAQuotaIsReported() {
			// given
			String text = catalog(FEATURES, """
					- key: free
					  price: 0
					  entitlements:
					    seats: ten
					""");

			// when
			var problems = problemsOf(text);

			// then
			assertThat(problems)
				.containsExactly("plan 'free': entitlement 'seats': must be a whole number or 'unlimited', not 'ten'");
		}

		@Test
		void fractionOrBooleanForALimitIsReported() {
			// given
			String text = catalog(FEATURES, """
					- key: free
					  price: 0
					  entitlements:
					    api_rate: 2.5
					    concurrent_jobs: true
					""");

			// when
			var problems = problemsOf(text);

			// then
			assertThat(problems).containsExactlyInAnyOrder(
					"plan 'free': entitlement 'api_rate': must be a whole number or 'unlimited', not 2.5",
					"plan 'free': entitlement 'concurrent_jobs': must be a whole number or 'unlimited', not true");
		}

		@Test
		void numberForASwitchIsReported() {
			// given
			String text = catalog(FEATURES, """
					- key: free
					  price: 0
					  entitlements:
					    api_access: 5
					""");

			// when
			var problems = problemsOf(text);

			// then
			assertThat(problems)
				.containsExactly("plan 'free': entitlement 'api_access': must be true or false for a switch, not 5");
		}

		@Test
		void unlimitedForASwitchIsReported() {
			// given
			String text = catalog(FEATURES, """
					- key: free
					  price: 0
					  entitlements:
					    api_access: { enabled: unlimited }
					""");

			// when
			var problems = problemsOf(text);

			// then
			assertThat(problems).containsExactly(
					"plan 'free': entitlement 'api_access': must be true or false for a switch, not 'unlimited'");
		}

		@Test
		void textForANumberSettingIsReported() {
			// given
			String text = catalog(FEATURES, """
					- key: free
					  price: 0
					  entitlements:
					    retention_days: forever
					""");

			// when
			var problems = problemsOf(text);

			// then
			assertThat(problems).containsExactly(
					"plan 'free': entitlement 'retention_days': must be a number or 'unlimited', not 'forever'");
		}

		@Test
		void numberForAnEnumSettingIsReported() {
			// given
			String text = catalog(FEATURES, """
					- key: free
					  price: 0
					  entitlements:
					    support: 3
					""");

			// when
			var problems = problemsOf(text);

			// then
			assertThat(problems).containsExactly("plan 'free': entitlement 'support': must be a non-empty text, not 3");
		}

		@Test
		void enumValueNotInValuesIsReportedWithTheAllowedValues() {
			// given
			String text = catalog(FEATURES, """
					- key: free
					  price: 0
					  entitlements:
					    support: gold
					""");

			// when
			var problems = problemsOf(text);

			// then
			assertThat(problems).containsExactly(
					"plan 'free': entitlement 'support': 'gold' is not one of [community, priority, dedicated]");
		}

		@Test
		void enumDefaultNotInValuesIsReportedNamingTheFeature() {
			// given
			String text = catalog("""
					- key: support
					  kind: setting
					  type: enum
					  values: [community, priority]
					  default: gold
					""", """
					- key: free
					  price: 0
					""");

			// when
			var problems = problemsOf(text);

			// then
			assertThat(problems)
				.containsExactly("feature 'support': default: 'gold' is not one of [community, priority]");
		}

		@Test
		void entitlementForAnUnknownFeatureIsReported() {
			// given
			String text = catalog(FEATURES, """
					- key: free
					  price: 0
					  entitlements:
					    storage_gb: 10
					""");

			// when
			var problems = problemsOf(text);

			// then
			assertThat(problems).containsExactly("plan 'free': entitlement 'storage_gb': unknown feature");
		}

		@Test
		void entitlementsThatAreNotAMappingAreReported() {
			// given
			String text = catalog(FEATURES, """
					- key: free
					  price: 0
					  entitlements: [seats]
					""");

			// when
			var problems = problemsOf(text);

			// then
			assertThat(problems)
				.containsExactly("plan 'free': entitlements: must be a mapping of feature key to value");
		}

		@Test
		void unknownDefaultPlanIsReported() {
			// given
			String text = """
					defaultPlan: starter
					features:
					  - key: sso
					    kind: switch
					plans:
					  - key: free
					    price: 0
					""";

			// when
			var problems = problemsOf(text);

			// then
			assertThat(problems).containsExactly("defaultPlan: 'starter' is not a plan of this catalog");
		}

		@Test
		void unknownDefaultPlanIsReportedEvenWhenEveryPlanHasAProblem() {
			// given: 'starter' is not in the file, and 'free' has a negative price
			String text = """
					defaultPlan: starter
					features:
					  - key: sso
					    kind: switch
					plans:
					  - key: free
					    price: -1
					""";

			// when
			var problems = problemsOf(text);

			// then
			assertThat(problems).containsExactlyInAnyOrder("plan 'free': price must not be negative, not -1",
					"defaultPlan: 'starter' is not a plan of this catalog");
		}

		@Test
		void unknownCatalogCurrencyIsReported() {
			// given
			String text = catalog("currency: DOLLARS", FEATURES, """
					- key: free
					  price: 0
					""");

			// when
			var problems = problemsOf(text);

			// then
			assertThat(problems).containsExactly("catalog: currency 'DOLLARS' is not an ISO 4217 code");
		}

		@Test
		void unknownPlanCurrencyIsReportedNamingThePlan() {
			// given
			String text = catalog(FEATURES, """
					- key: free
					  price: 0
					- key: pro
					  price: 100
					  currency: ZZZ
					""");

			// when
			var problems = problemsOf(text);

			// then
			assertThat(problems).containsExactly("plan 'pro': currency 'ZZZ' is not an ISO 4217 code");
		}

		@Test
		void overageOnARateOrConcurrencyIsReported() {
			// given
			String text = catalog(FEATURES, """
					- key: free
					  price: 0
					  entitlements:
					    api_rate: { limit: 100, overage: { price: 1 } }
					    concurrent_jobs: { limit: 2, overage: { price: 1 } }
					""");

			// when
			var problems = problemsOf(text);

			// then
			assertThat(problems).containsExactlyInAnyOrder(
					"plan 'free': entitlement 'api_rate': overage: only quota features have an overage price",
					"plan 'free': entitlement 'concurrent_jobs': overage: only quota features have an overage price");
		}

		@Test
		void overageOnASwitchOrSettingIsReported() {
			// given
			String text = catalog(FEATURES, """
					- key: free
					  price: 0
					  entitlements:
					    api_access: { enabled: true, overage: { price: 1 } }
					    retention_days: { value: 30, overage: { price: 1 } }
					""");

			// when
			var problems = problemsOf(text);

			// then
			assertThat(problems).containsExactlyInAnyOrder(
					"plan 'free': entitlement 'api_access': overage: only quota features have an overage price",
					"plan 'free': entitlement 'retention_days': overage: only quota features have an overage price");
		}

		@Test
		void malformedOverageIsReported() {
			// given
			String text = catalog("""
					- key: a
					  kind: quota
					  period: month
					- key: b
					  kind: quota
					  period: month
					- key: c
					  kind: quota
					  period: month
					""", """
					- key: free
					  price: 0
					  entitlements:
					    a: { limit: 10, overage: 5 }
					    b: { limit: 10, overage: { per: 10 } }
					    c: { limit: 10, overage: { price: 1, per: 0 } }
					""");

			// when
			var problems = problemsOf(text);

			// then
			assertThat(problems).containsExactlyInAnyOrder(
					"plan 'free': entitlement 'a': overage: must be a mapping with price and per",
					"plan 'free': entitlement 'b': overage: price is required",
					"plan 'free': entitlement 'c': overage: per must be at least 1");
		}

		@Test
		void overageOnALifetimeOrUnlimitedQuotaIsReported() {
			// given
			String text = catalog(FEATURES, """
					- key: free
					  price: 0
					  entitlements:
					    seats: { limit: 5, overage: { price: 100 } }
					    api_calls: { limit: unlimited, overage: { price: 1 } }
					""");

			// when
			var problems = problemsOf(text);

			// then
			assertThat(problems).containsExactlyInAnyOrder(
					"plan 'free': entitlement 'seats': overage: a lifetime quota never resets, so it has no period to "
							+ "bill overage for; give the feature a period or drop overage",
					"plan 'free': entitlement 'api_calls': overage: an unlimited quota has no use beyond its limit to "
							+ "price");
		}

		@Test
		void overageWithABadCapOrStripePriceIsReported() {
			// given
			String text = catalog(FEATURES, """
					- key: free
					  price: 0
					  entitlements:
					    api_calls: { limit: 5, overage: { price: 1, cap: -1, stripePrice: prod_X } }
					""");

			// when
			var problems = problemsOf(text);

			// then
			assertThat(problems).containsExactlyInAnyOrder(
					"plan 'free': entitlement 'api_calls': overage: cap must not be negative, not -1",
					"plan 'free': entitlement 'api_calls': overage: stripePrice must be a Stripe price id such as "
							+ "'price_1PqR2s', not 'prod_X'");
		}

		@ParameterizedTest
		@ValueSource(strings = { "features: [unclosed", "plans:\n  - key: free\n price: 0\n", "key: 'open", "a: b: c" })
		void invalidYamlIsReportedAsSuch(String text) {
			// when
			var problems = problemsOf(text);

			// then
			assertThat(problems).singleElement().asString().startsWith("is not valid YAML: ");
		}

		@Test
		void invalidYamlMessageNamesTheFile() {
			// when
			CatalogException ex = catchThrowableOfType(CatalogException.class,
					() -> reader.read("conf/catalog.yaml", "features: [unclosed"));

			// then
			assertThat(ex.getMessage()).startsWith("Catalog conf/catalog.yaml has 1 problem:")
				.contains("is not valid YAML");
		}

		@ParameterizedTest
		@ValueSource(strings = { "", "# only a comment\n" })
		void emptyFileIsReported(String text) {
			// when
			var problems = problemsOf(text);

			// then
			assertThat(problems).containsExactly("is empty");
		}

		@Test
		void topLevelThatIsNotAMappingIsReported() {
			// when
			var problems = problemsOf("- free\n- pro\n");

			// then
			assertThat(problems).containsExactly("the top level must be a mapping with features and plans");
		}

		@Test
		void featureOrPlanThatIsNotAMappingIsReportedByPosition() {
			// given
			String text = """
					defaultPlan: free
					features:
					  - seats
					  - key: sso
					    kind: switch
					plans:
					  - key: free
					    price: 0
					  - pro
					""";

			// when
			var problems = problemsOf(text);

			// then
			assertThat(problems).containsExactlyInAnyOrder("feature #1: must be a mapping",
					"plan #2: must be a mapping");
		}

		@Test
		void missingFileIsReportedNamingIt(@TempDir Path dir) {
			// given
			Path file = dir.resolve("nowhere.yaml");

			// when / then
			assertThatThrownBy(() -> reader.read(file)).isInstanceOf(CatalogException.class)
				.hasMessageContaining(file.toString())
				.hasMessageContaining("cannot be read");
		}

	}

	@Nested
	class OnePlanAsTheAdminApiGivesIt {

		private final JsonMapper json = JsonMapper.builder().build();

		private final Map<String, Feature> features = reader.read("features.yaml", catalog(FEATURES, """
				- key: free
				  price: 0
				""")).features().stream().collect(Collectors.toMap(Feature::key, Function.identity()));

		@Test
		void planInCatalogFormReadsAgainstTheGivenFeaturesInTheCatalogsCurrency() {
			// given
			var body = json.readTree(
					"""
							{"key": "team", "price": 900, "entitlements": {"seats": 5, "api_calls": {"limit": 100, "overage": {"price": 3}}}}
							""");

			// when
			PlanDefinition plan = reader.readPlan(body, "EUR", features);

			// then
			assertThat(plan.key()).isEqualTo("team");
			assertThat(plan.price()).isEqualTo(900);
			assertThat(plan.currency()).isEqualTo("EUR");
			assertThat(plan.entitlements()).hasSize(2)
				.containsEntry("seats", Entitlement.ofLimit(5))
				.containsEntry("api_calls", Entitlement.ofLimit(100).withOverage(3, 1));
		}

		@Test
		void invalidPlanReportsEveryProblemNamingThePlan() {
			// given
			var body = json.readTree("""
					{"key": "team", "price": -1, "entitlements": {"seats": "ten", "api_access": 5, "nope": 1}}
					""");

			// when
			CatalogException ex = catchThrowableOfType(CatalogException.class,
					() -> reader.readPlan(body, "USD", features));

			// then
			assertThat(ex.problems()).containsExactlyInAnyOrder("plan 'team': price must not be negative, not -1",
					"plan 'team': entitlement 'seats': must be a whole number or 'unlimited', not 'ten'",
					"plan 'team': entitlement 'api_access': must be true or false for a switch, not 5",
					"plan 'team': entitlement 'nope': unknown feature");
		}

		@Test
		void overrideEntitlementReadsInShortAndLongForm() {
			// given
			Feature seats = features.get("seats");

			// when
			Entitlement shortForm = reader.readEntitlement(json.readTree("500"), seats);
			Entitlement longForm = reader.readEntitlement(json.readTree("{\"limit\": \"unlimited\"}"), seats);

			// then
			assertThat(shortForm).isEqualTo(Entitlement.ofLimit(500));
			assertThat(longForm).isEqualTo(Entitlement.ofUnlimited());
		}

		@Test
		void overrideEntitlementOfTheWrongKindIsReported() {
			// given
			Feature seats = features.get("seats");

			// when
			CatalogException ex = catchThrowableOfType(CatalogException.class,
					() -> reader.readEntitlement(json.readTree("true"), seats));

			// then
			assertThat(ex.problems()).containsExactly("value: must be a whole number or 'unlimited', not true");
		}

	}

	// helpers

	/**
	 * A catalog with default plan {@code free}; features and plans are YAML list items at
	 * column 0.
	 */
	private static String catalog(String features, String plans) {
		return catalog("", features, plans);
	}

	private static String catalog(String header, String features, String plans) {
		return "name: test\ndefaultPlan: free\n" + (header.isEmpty() ? "" : header + "\n") + "features:\n" + features
				+ "plans:\n" + plans;
	}

	private List<String> problemsOf(String text) {
		return problemsOf("test.yaml", text);
	}

	private List<String> problemsOf(String source, String text) {
		CatalogException ex = catchThrowableOfType(CatalogException.class, () -> reader.read(source, text));
		assertThat(ex).as("reading a bad catalog throws CatalogException").isNotNull();
		return ex.problems();
	}

	private static void assertHasProblem(List<String> problems, String fragment) {
		assertThat(problems).as("problems containing \"%s\"", fragment).anyMatch(p -> p.contains(fragment));
	}

}
