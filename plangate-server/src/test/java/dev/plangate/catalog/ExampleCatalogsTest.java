package dev.plangate.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The example catalogs in {@code examples/} reproduce the tier tables of the four
 * products of REQUIREMENTS.md section 1. Every figure of every table is asserted here, as
 * loaded by {@link CatalogReader}.
 */
class ExampleCatalogsTest {

	private static final String AGENT_PLATFORM = "agent-platform.yaml";

	private static final String WORKFLOW_AUTOMATION = "workflow-automation.yaml";

	private static final String AUTH_DASHBOARD = "auth-dashboard.yaml";

	private static final String AI_ASSISTANT = "ai-assistant.yaml";

	@ParameterizedTest
	@ValueSource(strings = { AGENT_PLATFORM, WORKFLOW_AUTOMATION, AUTH_DASHBOARD, AI_ASSISTANT })
	void everyExampleLoadsWithFreeAsDefaultPlanAndMonthlyUsdPrices(String fileName) {
		// given
		Path file = example(fileName);

		// when
		CatalogDefinition catalog = new CatalogReader().read(file);

		// then
		assertThat(catalog.defaultPlan()).isEqualTo("free");
		assertThat(catalog.plan("free")).isPresent();
		assertThat(catalog.name()).isEqualTo(fileName.replace(".yaml", ""));
		assertThat(catalog.plans()).allSatisfy(plan -> {
			assertThat(plan.currency()).isEqualTo("USD");
			assertThat(plan.interval()).isEqualTo(BillingInterval.MONTH);
		});
	}

	@Nested
	class AgentPlatform {

		@Test
		void agentPlatformHasTheFourTiersInOrder() {
			// given
			Path file = example(AGENT_PLATFORM);

			// when
			CatalogDefinition catalog = new CatalogReader().read(file);

			// then
			assertThat(catalog.plans()).extracting(PlanDefinition::key)
				.containsExactly("free", "team", "pro", "enterprise");
		}

		@Test
		void agentPlatformFeaturesHaveTheKindsOfTheTable() {
			// given
			Path file = example(AGENT_PLATFORM);

			// when
			CatalogDefinition catalog = new CatalogReader().read(file);

			// then
			Feature maxAgents = catalog.feature("max_agents").orElseThrow();
			assertThat(maxAgents.kind()).isEqualTo(FeatureKind.QUOTA);
			assertThat(maxAgents.period()).isEqualTo(ResetPeriod.LIFETIME);
			assertThat(catalog.feature("concurrent_batches").orElseThrow().kind()).isEqualTo(FeatureKind.CONCURRENCY);
			Feature batchSize = catalog.feature("batch_size").orElseThrow();
			assertThat(batchSize.kind()).isEqualTo(FeatureKind.SETTING);
			assertThat(batchSize.settingType()).isEqualTo(SettingType.NUMBER);
			assertThat(catalog.feature("priority_queue").orElseThrow().kind()).isEqualTo(FeatureKind.SWITCH);
			Feature api = catalog.feature("api").orElseThrow();
			assertThat(api.kind()).isEqualTo(FeatureKind.RATE);
			assertThat(api.windowSeconds()).isEqualTo(60L);
		}

		@Test
		void agentPlatformMaxAgentsMatchTierTable() {
			// given
			Path file = example(AGENT_PLATFORM);

			// when
			CatalogDefinition catalog = new CatalogReader().read(file);

			// then
			assertThat(grant(catalog, "free", "max_agents")).isEqualTo(Entitlement.ofLimit(3));
			assertThat(grant(catalog, "team", "max_agents")).isEqualTo(Entitlement.ofLimit(10));
			assertThat(grant(catalog, "pro", "max_agents")).isEqualTo(Entitlement.ofLimit(25));
			assertThat(grant(catalog, "enterprise", "max_agents")).isEqualTo(Entitlement.ofLimit(100));
		}

		@Test
		void agentPlatformConcurrentBatchesMatchTierTable() {
			// given
			Path file = example(AGENT_PLATFORM);

			// when
			CatalogDefinition catalog = new CatalogReader().read(file);

			// then
			assertThat(grant(catalog, "free", "concurrent_batches")).isEqualTo(Entitlement.ofLimit(1));
			assertThat(grant(catalog, "team", "concurrent_batches")).isEqualTo(Entitlement.ofLimit(2));
			assertThat(grant(catalog, "pro", "concurrent_batches")).isEqualTo(Entitlement.ofLimit(5));
			assertThat(grant(catalog, "enterprise", "concurrent_batches")).isEqualTo(Entitlement.ofLimit(10));
		}

		@Test
		void agentPlatformBatchSizesMatchTierTable() {
			// given
			Path file = example(AGENT_PLATFORM);

			// when
			CatalogDefinition catalog = new CatalogReader().read(file);

			// then
			assertThat(grant(catalog, "free", "batch_size")).isEqualTo(Entitlement.ofValue("5"));
			assertThat(grant(catalog, "team", "batch_size")).isEqualTo(Entitlement.ofValue("15"));
			assertThat(grant(catalog, "pro", "batch_size")).isEqualTo(Entitlement.ofValue("50"));
			assertThat(grant(catalog, "enterprise", "batch_size")).isEqualTo(Entitlement.ofValue("200"));
		}

		@Test
		void agentPlatformPriorityQueueIsOnlyForProAndEnterpriseAtLevelTen() {
			// given
			Path file = example(AGENT_PLATFORM);

			// when
			CatalogDefinition catalog = new CatalogReader().read(file);

			// then
			assertThat(plan(catalog, "free").queuePriority()).isZero();
			assertThat(plan(catalog, "team").queuePriority()).isZero();
			assertThat(plan(catalog, "pro").queuePriority()).isEqualTo(10);
			assertThat(plan(catalog, "enterprise").queuePriority()).isEqualTo(10);
			assertThat(isOn(plan(catalog, "free"), "priority_queue")).isFalse();
			assertThat(isOn(plan(catalog, "team"), "priority_queue")).isFalse();
			assertThat(isOn(plan(catalog, "pro"), "priority_queue")).isTrue();
			assertThat(isOn(plan(catalog, "enterprise"), "priority_queue")).isTrue();
		}

		@Test
		void agentPlatformPricesMatchTierTable() {
			// given
			Path file = example(AGENT_PLATFORM);

			// when
			CatalogDefinition catalog = new CatalogReader().read(file);

			// then
			assertThat(plan(catalog, "free").price()).isZero();
			assertThat(plan(catalog, "team").price()).isEqualTo(2900);
			assertThat(plan(catalog, "pro").price()).isEqualTo(9900);
			assertThat(plan(catalog, "enterprise").price()).isEqualTo(49900);
		}

		@Test
		void agentPlatformEachTierHasItsFeaturesPlusThoseOfTheTierBelow() {
			// given
			Path file = example(AGENT_PLATFORM);
			List<String> free = List.of("basic_agents", "single_workflow");
			List<String> team = concat(free, "workflows", "batch_operations", "team_collaboration");
			List<String> pro = concat(team, "priority_queue", "advanced_agents", "unlimited_workflows",
					"parallel_batch_processing", "priority_support");
			List<String> enterprise = concat(pro, "enterprise_agents", "custom_workflows", "unlimited_batch_processing",
					"dedicated_support", "sla");

			// when
			CatalogDefinition catalog = new CatalogReader().read(file);

			// then
			assertThat(switchesOn(catalog, "free")).containsExactlyInAnyOrderElementsOf(free);
			assertThat(switchesOn(catalog, "team")).containsExactlyInAnyOrderElementsOf(team);
			assertThat(switchesOn(catalog, "pro")).containsExactlyInAnyOrderElementsOf(pro);
			assertThat(switchesOn(catalog, "enterprise")).containsExactlyInAnyOrderElementsOf(enterprise);
		}

		/**
		 * Not from the table: the product wants per-tier API rate limits next; these are
		 * Plangate's choice.
		 */
		@Test
		void agentPlatformApiRateLimitsGrowByTier() {
			// given
			Path file = example(AGENT_PLATFORM);

			// when
			CatalogDefinition catalog = new CatalogReader().read(file);

			// then
			assertThat(grant(catalog, "free", "api")).isEqualTo(Entitlement.ofLimit(60));
			assertThat(grant(catalog, "team", "api")).isEqualTo(Entitlement.ofLimit(120));
			assertThat(grant(catalog, "pro", "api")).isEqualTo(Entitlement.ofLimit(600));
			assertThat(grant(catalog, "enterprise", "api")).isEqualTo(Entitlement.ofLimit(3000));
		}

	}

	@Nested
	class WorkflowAutomation {

		@Test
		void workflowAutomationHasTheThreeTiersInOrder() {
			// given
			Path file = example(WORKFLOW_AUTOMATION);

			// when
			CatalogDefinition catalog = new CatalogReader().read(file);

			// then
			assertThat(catalog.plans()).extracting(PlanDefinition::key).containsExactly("free", "pro", "enterprise");
		}

		@Test
		void workflowAutomationFeaturesHaveTheKindsOfTheTable() {
			// given
			Path file = example(WORKFLOW_AUTOMATION);

			// when
			CatalogDefinition catalog = new CatalogReader().read(file);

			// then
			assertThat(catalog.feature("concurrent_jobs").orElseThrow().kind()).isEqualTo(FeatureKind.CONCURRENCY);
			Feature workflows = catalog.feature("workflows").orElseThrow();
			assertThat(workflows.kind()).isEqualTo(FeatureKind.QUOTA);
			assertThat(workflows.period()).isEqualTo(ResetPeriod.LIFETIME);
			Feature retention = catalog.feature("analytics_retention_days").orElseThrow();
			assertThat(retention.kind()).isEqualTo(FeatureKind.SETTING);
			assertThat(retention.settingType()).isEqualTo(SettingType.NUMBER);
			Feature support = catalog.feature("support").orElseThrow();
			assertThat(support.kind()).isEqualTo(FeatureKind.SETTING);
			assertThat(support.settingType()).isEqualTo(SettingType.ENUM);
			assertThat(support.values()).containsExactly("community", "priority", "dedicated_24_7");
		}

		@Test
		void workflowAutomationConcurrentJobsMatchTierTable() {
			// given
			Path file = example(WORKFLOW_AUTOMATION);

			// when
			CatalogDefinition catalog = new CatalogReader().read(file);

			// then
			assertThat(grant(catalog, "free", "concurrent_jobs")).isEqualTo(Entitlement.ofLimit(2));
			assertThat(grant(catalog, "pro", "concurrent_jobs")).isEqualTo(Entitlement.ofLimit(10));
			assertThat(grant(catalog, "enterprise", "concurrent_jobs")).isEqualTo(Entitlement.ofUnlimited());
		}

		@Test
		void workflowAutomationWorkflowsMatchTierTable() {
			// given
			Path file = example(WORKFLOW_AUTOMATION);

			// when
			CatalogDefinition catalog = new CatalogReader().read(file);

			// then
			assertThat(grant(catalog, "free", "workflows")).isEqualTo(Entitlement.ofLimit(5));
			assertThat(grant(catalog, "pro", "workflows")).isEqualTo(Entitlement.ofLimit(50));
			assertThat(grant(catalog, "enterprise", "workflows")).isEqualTo(Entitlement.ofUnlimited());
		}

		@Test
		void workflowAutomationAnalyticsRetentionMatchesTierTable() {
			// given
			Path file = example(WORKFLOW_AUTOMATION);

			// when
			CatalogDefinition catalog = new CatalogReader().read(file);

			// then
			assertThat(grant(catalog, "free", "analytics_retention_days")).isEqualTo(Entitlement.ofValue("7"));
			assertThat(grant(catalog, "pro", "analytics_retention_days")).isEqualTo(Entitlement.ofValue("30"));
			assertThat(grant(catalog, "enterprise", "analytics_retention_days")).isEqualTo(Entitlement.ofValue("365"));
		}

		@Test
		void workflowAutomationSupportLevelsMatchTierTable() {
			// given
			Path file = example(WORKFLOW_AUTOMATION);

			// when
			CatalogDefinition catalog = new CatalogReader().read(file);

			// then
			assertThat(grant(catalog, "free", "support")).isEqualTo(Entitlement.ofValue("community"));
			assertThat(grant(catalog, "pro", "support")).isEqualTo(Entitlement.ofValue("priority"));
			assertThat(grant(catalog, "enterprise", "support")).isEqualTo(Entitlement.ofValue("dedicated_24_7"));
		}

		@Test
		void workflowAutomationPricesMatchTierTable() {
			// given
			Path file = example(WORKFLOW_AUTOMATION);

			// when
			CatalogDefinition catalog = new CatalogReader().read(file);

			// then
			assertThat(plan(catalog, "free").price()).isZero();
			assertThat(plan(catalog, "pro").price()).isEqualTo(2900);
			assertThat(plan(catalog, "enterprise").price()).isEqualTo(29900);
		}

	}

	@Nested
	class AuthDashboard {

		@Test
		void authDashboardHasTheThreePlansInOrder() {
			// given
			Path file = example(AUTH_DASHBOARD);

			// when
			CatalogDefinition catalog = new CatalogReader().read(file);

			// then
			assertThat(catalog.plans()).extracting(PlanDefinition::key).containsExactly("free", "pro", "enterprise");
		}

		@Test
		void authDashboardQuotasResetAsTheTableSays() {
			// given
			Path file = example(AUTH_DASHBOARD);

			// when
			CatalogDefinition catalog = new CatalogReader().read(file);

			// then
			Feature jobs = catalog.feature("jobs").orElseThrow();
			assertThat(jobs.kind()).isEqualTo(FeatureKind.QUOTA);
			assertThat(jobs.period()).isEqualTo(ResetPeriod.MONTH);
			Feature storage = catalog.feature("storage").orElseThrow();
			assertThat(storage.kind()).isEqualTo(FeatureKind.QUOTA);
			assertThat(storage.period()).isEqualTo(ResetPeriod.LIFETIME);
			assertThat(storage.unit()).isEqualTo("MB");
			Feature apiCalls = catalog.feature("api_calls").orElseThrow();
			assertThat(apiCalls.kind()).isEqualTo(FeatureKind.QUOTA);
			assertThat(apiCalls.period()).isEqualTo(ResetPeriod.DAY);
			Feature computeMinutes = catalog.feature("compute_minutes").orElseThrow();
			assertThat(computeMinutes.kind()).isEqualTo(FeatureKind.QUOTA);
			assertThat(computeMinutes.period()).isEqualTo(ResetPeriod.MONTH);
		}

		@Test
		void authDashboardPricesMatchPlanTable() {
			// given
			Path file = example(AUTH_DASHBOARD);

			// when
			CatalogDefinition catalog = new CatalogReader().read(file);

			// then
			assertThat(plan(catalog, "free").price()).isZero();
			assertThat(plan(catalog, "pro").price()).isEqualTo(1999);
			assertThat(plan(catalog, "enterprise").price()).isEqualTo(9999);
		}

		@Test
		void authDashboardJobsPerMonthMatchPlanTable() {
			// given
			Path file = example(AUTH_DASHBOARD);

			// when
			CatalogDefinition catalog = new CatalogReader().read(file);

			// then
			assertThat(grant(catalog, "free", "jobs")).isEqualTo(Entitlement.ofLimit(10));
			assertThat(grant(catalog, "pro", "jobs")).isEqualTo(Entitlement.ofLimit(500));
			assertThat(grant(catalog, "enterprise", "jobs")).isEqualTo(Entitlement.ofUnlimited());
		}

		@Test
		void authDashboardStorageInMegabytesMatchesPlanTable() {
			// given
			Path file = example(AUTH_DASHBOARD);

			// when
			CatalogDefinition catalog = new CatalogReader().read(file);

			// then
			assertThat(grant(catalog, "free", "storage")).isEqualTo(Entitlement.ofLimit(100));
			assertThat(grant(catalog, "pro", "storage")).isEqualTo(Entitlement.ofLimit(10 * 1024));
			assertThat(grant(catalog, "enterprise", "storage")).isEqualTo(Entitlement.ofUnlimited());
		}

		@Test
		void authDashboardApiCallsPerDayMatchPlanTable() {
			// given
			Path file = example(AUTH_DASHBOARD);

			// when
			CatalogDefinition catalog = new CatalogReader().read(file);

			// then
			assertThat(grant(catalog, "free", "api_calls")).isEqualTo(Entitlement.ofLimit(100));
			assertThat(grant(catalog, "pro", "api_calls")).isEqualTo(Entitlement.ofLimit(10_000));
			assertThat(grant(catalog, "enterprise", "api_calls")).isEqualTo(Entitlement.ofUnlimited());
		}

		@Test
		void authDashboardComputeMinutesAreTrackedButUnlimitedOnEveryPlan() {
			// given
			Path file = example(AUTH_DASHBOARD);

			// when
			CatalogDefinition catalog = new CatalogReader().read(file);

			// then
			assertThat(catalog.plans()).allSatisfy(plan -> assertThat(plan.entitlements().get("compute_minutes"))
				.isEqualTo(Entitlement.ofUnlimited()));
		}

		@Test
		void authDashboardRateMultipliersMatchPlanTable() {
			// given
			Path file = example(AUTH_DASHBOARD);

			// when
			CatalogDefinition catalog = new CatalogReader().read(file);

			// then
			assertThat(plan(catalog, "free").rateMultiplier()).isEqualByComparingTo(new BigDecimal("1"));
			assertThat(plan(catalog, "pro").rateMultiplier()).isEqualByComparingTo(new BigDecimal("5"));
			assertThat(plan(catalog, "enterprise").rateMultiplier()).isEqualByComparingTo(new BigDecimal("10"));
		}

		@Test
		void authDashboardFeaturesAccumulateByPlan() {
			// given
			Path file = example(AUTH_DASHBOARD);
			List<String> free = List.of("api_access");
			List<String> pro = concat(free, "priority_support", "custom_models", "advanced_analytics");
			List<String> enterprise = concat(pro, "dedicated_support");

			// when
			CatalogDefinition catalog = new CatalogReader().read(file);

			// then
			assertThat(switchesOn(catalog, "free")).containsExactlyInAnyOrderElementsOf(free);
			assertThat(switchesOn(catalog, "pro")).containsExactlyInAnyOrderElementsOf(pro);
			assertThat(switchesOn(catalog, "enterprise")).containsExactlyInAnyOrderElementsOf(enterprise);
		}

		@Test
		void authDashboardRateDefaultsAreTheFreeLimitsPerScope() {
			// given
			Path file = example(AUTH_DASHBOARD);

			// when
			CatalogDefinition catalog = new CatalogReader().read(file);

			// then
			assertRate(catalog, "login_rate", 3600, 10);
			assertRate(catalog, "register_rate", 3600, 5);
			assertRate(catalog, "api_rate", 60, 60);
			assertRate(catalog, "jobs_rate", 3600, 10);
		}

		@Test
		void authDashboardRateLimitsScaleWithThePlanMultiplier() {
			// given
			Path file = example(AUTH_DASHBOARD);
			List<String> rates = List.of("login_rate", "register_rate", "api_rate", "jobs_rate");

			// when
			CatalogDefinition catalog = new CatalogReader().read(file);

			// then no plan lists a rate, so each takes default x rateMultiplier
			assertThat(catalog.plans())
				.allSatisfy(plan -> assertThat(plan.entitlements()).doesNotContainKeys(rates.toArray(String[]::new)));
			assertThat(scaledRate(catalog, "free", "login_rate")).isEqualTo(10);
			assertThat(scaledRate(catalog, "free", "register_rate")).isEqualTo(5);
			assertThat(scaledRate(catalog, "free", "api_rate")).isEqualTo(60);
			assertThat(scaledRate(catalog, "free", "jobs_rate")).isEqualTo(10);
			assertThat(scaledRate(catalog, "pro", "login_rate")).isEqualTo(50);
			assertThat(scaledRate(catalog, "pro", "register_rate")).isEqualTo(25);
			assertThat(scaledRate(catalog, "pro", "api_rate")).isEqualTo(300);
			assertThat(scaledRate(catalog, "pro", "jobs_rate")).isEqualTo(50);
			assertThat(scaledRate(catalog, "enterprise", "login_rate")).isEqualTo(100);
			assertThat(scaledRate(catalog, "enterprise", "register_rate")).isEqualTo(50);
			assertThat(scaledRate(catalog, "enterprise", "api_rate")).isEqualTo(600);
			assertThat(scaledRate(catalog, "enterprise", "jobs_rate")).isEqualTo(100);
		}

		private void assertRate(CatalogDefinition catalog, String key, long windowSeconds, long freeLimit) {
			Feature rate = catalog.feature(key).orElseThrow();
			assertThat(rate.kind()).as(key).isEqualTo(FeatureKind.RATE);
			assertThat(rate.windowSeconds()).as(key).isEqualTo(windowSeconds);
			assertThat(rate.defaultEntitlement()).as(key).isEqualTo(Entitlement.ofLimit(freeLimit));
		}

		/**
		 * The documented rule for a rate a plan does not list: the feature's default
		 * times the plan's multiplier.
		 */
		private long scaledRate(CatalogDefinition catalog, String planKey, String featureKey) {
			Entitlement base = catalog.feature(featureKey).orElseThrow().defaultEntitlement();
			assertThat(base).isNotNull();
			assertThat(base.limit()).isNotNull();
			return BigDecimal.valueOf(base.limit())
				.multiply(plan(catalog, planKey).rateMultiplier())
				.setScale(0, RoundingMode.DOWN)
				.longValueExact();
		}

	}

	@Nested
	class AiAssistant {

		private static final List<String> TIERS = List.of("free", "starter", "pro", "business", "enterprise");

		@Test
		void aiAssistantHasTheFiveTiersInOrder() {
			// given
			Path file = example(AI_ASSISTANT);

			// when
			CatalogDefinition catalog = new CatalogReader().read(file);

			// then
			assertThat(catalog.plans()).extracting(PlanDefinition::key).containsExactlyElementsOf(TIERS);
		}

		@Test
		void aiAssistantFeaturesHaveTheKindsOfTheTable() {
			// given
			Path file = example(AI_ASSISTANT);

			// when
			CatalogDefinition catalog = new CatalogReader().read(file);

			// then
			assertQuota(catalog, "queries", ResetPeriod.BILLING_PERIOD);
			assertQuota(catalog, "locations", ResetPeriod.LIFETIME);
			assertQuota(catalog, "api_calls", ResetPeriod.DAY);
			assertQuota(catalog, "team_members", ResetPeriod.LIFETIME);
			assertQuota(catalog, "custom_templates", ResetPeriod.LIFETIME);
			assertQuota(catalog, "integrations", ResetPeriod.LIFETIME);
			Feature history = catalog.feature("history_days").orElseThrow();
			assertThat(history.kind()).isEqualTo(FeatureKind.SETTING);
			assertThat(history.settingType()).isEqualTo(SettingType.NUMBER);
		}

		@Test
		void aiAssistantQueriesPerPeriodMatchTableWithOverageOnPaidTiersBelowEnterprise() {
			// given
			Path file = example(AI_ASSISTANT);

			// when
			CatalogDefinition catalog = new CatalogReader().read(file);

			// then
			assertThat(grant(catalog, "free", "queries")).isEqualTo(Entitlement.ofLimit(100));
			assertThat(grant(catalog, "starter", "queries"))
				.isEqualTo(Entitlement.ofLimit(2_000).withOverage(1, 1, null, "price_assistant_queries_overage"));
			assertThat(grant(catalog, "pro", "queries"))
				.isEqualTo(Entitlement.ofLimit(10_000).withOverage(1, 1, null, "price_assistant_queries_overage"));
			assertThat(grant(catalog, "business", "queries"))
				.isEqualTo(Entitlement.ofLimit(50_000).withOverage(1, 1, null, "price_assistant_queries_overage"));
			assertThat(grant(catalog, "enterprise", "queries")).isEqualTo(Entitlement.ofUnlimited());
		}

		@Test
		void aiAssistantLocationsMatchTable() {
			// given
			Path file = example(AI_ASSISTANT);

			// when
			CatalogDefinition catalog = new CatalogReader().read(file);

			// then
			assertThat(grant(catalog, "free", "locations")).isEqualTo(Entitlement.ofLimit(1));
			assertThat(grant(catalog, "starter", "locations")).isEqualTo(Entitlement.ofLimit(1));
			assertThat(grant(catalog, "pro", "locations")).isEqualTo(Entitlement.ofLimit(5));
			assertThat(grant(catalog, "business", "locations")).isEqualTo(Entitlement.ofLimit(25));
			assertThat(grant(catalog, "enterprise", "locations")).isEqualTo(Entitlement.ofUnlimited());
		}

		@Test
		void aiAssistantHistoryDaysMatchTable() {
			// given
			Path file = example(AI_ASSISTANT);

			// when
			CatalogDefinition catalog = new CatalogReader().read(file);

			// then
			assertThat(grant(catalog, "free", "history_days")).isEqualTo(Entitlement.ofValue("7"));
			assertThat(grant(catalog, "starter", "history_days")).isEqualTo(Entitlement.ofValue("30"));
			assertThat(grant(catalog, "pro", "history_days")).isEqualTo(Entitlement.ofValue("90"));
			assertThat(grant(catalog, "business", "history_days")).isEqualTo(Entitlement.ofValue("365"));
			assertThat(grant(catalog, "enterprise", "history_days")).isEqualTo(Entitlement.ofUnlimitedValue());
		}

		@Test
		void aiAssistantApiCallsPerDayMatchTable() {
			// given
			Path file = example(AI_ASSISTANT);

			// when
			CatalogDefinition catalog = new CatalogReader().read(file);

			// then
			assertThat(grant(catalog, "free", "api_calls")).isEqualTo(Entitlement.ofLimit(50));
			assertThat(grant(catalog, "starter", "api_calls")).isEqualTo(Entitlement.ofLimit(500));
			assertThat(grant(catalog, "pro", "api_calls")).isEqualTo(Entitlement.ofLimit(2_000));
			assertThat(grant(catalog, "business", "api_calls")).isEqualTo(Entitlement.ofLimit(10_000));
			assertThat(grant(catalog, "enterprise", "api_calls")).isEqualTo(Entitlement.ofUnlimited());
		}

		@Test
		void aiAssistantTeamMembersMatchTable() {
			// given
			Path file = example(AI_ASSISTANT);

			// when
			CatalogDefinition catalog = new CatalogReader().read(file);

			// then
			assertThat(grant(catalog, "free", "team_members")).isEqualTo(Entitlement.ofLimit(1));
			assertThat(grant(catalog, "starter", "team_members")).isEqualTo(Entitlement.ofLimit(3));
			assertThat(grant(catalog, "pro", "team_members")).isEqualTo(Entitlement.ofLimit(10));
			assertThat(grant(catalog, "business", "team_members")).isEqualTo(Entitlement.ofLimit(50));
			assertThat(grant(catalog, "enterprise", "team_members")).isEqualTo(Entitlement.ofUnlimited());
		}

		@Test
		void aiAssistantCustomTemplatesMatchTableAndAreUnusableOnFree() {
			// given
			Path file = example(AI_ASSISTANT);

			// when
			CatalogDefinition catalog = new CatalogReader().read(file);

			// then
			assertThat(grant(catalog, "free", "custom_templates")).isEqualTo(Entitlement.ofLimit(0));
			assertThat(grant(catalog, "free", "custom_templates").enabled()).isFalse();
			assertThat(grant(catalog, "starter", "custom_templates")).isEqualTo(Entitlement.ofLimit(5));
			assertThat(grant(catalog, "pro", "custom_templates")).isEqualTo(Entitlement.ofLimit(25));
			assertThat(grant(catalog, "business", "custom_templates")).isEqualTo(Entitlement.ofLimit(100));
			assertThat(grant(catalog, "enterprise", "custom_templates")).isEqualTo(Entitlement.ofUnlimited());
		}

		@Test
		void aiAssistantIntegrationsMatchTableAndAreUnusableOnFree() {
			// given
			Path file = example(AI_ASSISTANT);

			// when
			CatalogDefinition catalog = new CatalogReader().read(file);

			// then
			assertThat(grant(catalog, "free", "integrations")).isEqualTo(Entitlement.ofLimit(0));
			assertThat(grant(catalog, "free", "integrations").enabled()).isFalse();
			assertThat(grant(catalog, "starter", "integrations")).isEqualTo(Entitlement.ofLimit(2));
			assertThat(grant(catalog, "pro", "integrations")).isEqualTo(Entitlement.ofLimit(10));
			assertThat(grant(catalog, "business", "integrations")).isEqualTo(Entitlement.ofLimit(50));
			assertThat(grant(catalog, "enterprise", "integrations")).isEqualTo(Entitlement.ofUnlimited());
		}

		@Test
		void aiAssistantFeatureFlagsStartAtTheirMinimumPlan() {
			// given
			Path file = example(AI_ASSISTANT);
			List<String> free = List.of("basic_queries", "basic_dashboard");
			List<String> starter = concat(free, "conversation_history", "email_support");
			List<String> pro = concat(starter, "advanced_analytics", "api_access", "phone_support", "advanced_reports");
			List<String> business = concat(pro, "batch_processing", "webhooks", "crm_integrations", "priority_support",
					"custom_reports", "data_export");
			List<String> enterprise = concat(business, "custom_ai_training", "white_label", "custom_domains",
					"dedicated_manager", "sla", "api_analytics");

			// when
			CatalogDefinition catalog = new CatalogReader().read(file);

			// then
			assertThat(switchesOn(catalog, "free")).containsExactlyInAnyOrderElementsOf(free);
			assertThat(switchesOn(catalog, "starter")).containsExactlyInAnyOrderElementsOf(starter);
			assertThat(switchesOn(catalog, "pro")).containsExactlyInAnyOrderElementsOf(pro);
			assertThat(switchesOn(catalog, "business")).containsExactlyInAnyOrderElementsOf(business);
			assertThat(switchesOn(catalog, "enterprise")).containsExactlyInAnyOrderElementsOf(enterprise);
		}

		/** The table gives no prices; these are the example's illustrative ones. */
		@Test
		void aiAssistantPricesRiseByTier() {
			// given
			Path file = example(AI_ASSISTANT);

			// when
			CatalogDefinition catalog = new CatalogReader().read(file);

			// then
			assertThat(plan(catalog, "free").price()).isZero();
			assertThat(plan(catalog, "starter").price()).isEqualTo(2900);
			assertThat(plan(catalog, "pro").price()).isEqualTo(9900);
			assertThat(plan(catalog, "business").price()).isEqualTo(29900);
			assertThat(plan(catalog, "enterprise").price()).isEqualTo(99900);
		}

		private void assertQuota(CatalogDefinition catalog, String key, ResetPeriod period) {
			Feature quota = catalog.feature(key).orElseThrow();
			assertThat(quota.kind()).as(key).isEqualTo(FeatureKind.QUOTA);
			assertThat(quota.period()).as(key).isEqualTo(period);
		}

	}

	private static Path example(String fileName) {
		String dir = System.getenv("PLANGATE_EXAMPLES_DIR");
		Path examples = dir == null || dir.isBlank() ? Path.of("../examples") : Path.of(dir);
		Path file = examples.resolve(fileName);
		assertThat(Files.isRegularFile(file)).as("example catalog %s exists", file.toAbsolutePath()).isTrue();
		return file;
	}

	private static PlanDefinition plan(CatalogDefinition catalog, String planKey) {
		return catalog.plan(planKey).orElseThrow();
	}

	private static @Nullable Entitlement grant(CatalogDefinition catalog, String planKey, String featureKey) {
		return plan(catalog, planKey).entitlements().get(featureKey);
	}

	/** A switch the plan does not list is off. */
	private static boolean isOn(PlanDefinition plan, String switchKey) {
		Entitlement grant = plan.entitlements().get(switchKey);
		return grant != null && grant.enabled();
	}

	/** The keys of every switch feature of the catalog that the plan turns on. */
	private static Set<String> switchesOn(CatalogDefinition catalog, String planKey) {
		PlanDefinition plan = plan(catalog, planKey);
		return catalog.features()
			.stream()
			.filter(feature -> feature.kind() == FeatureKind.SWITCH)
			.map(Feature::key)
			.filter(key -> isOn(plan, key))
			.collect(Collectors.toSet());
	}

	private static List<String> concat(List<String> lower, String... added) {
		return Stream.concat(lower.stream(), Stream.of(added)).toList();
	}

}
