package dev.plangate.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * A plan version written in the catalog file's form reads back as the same version: what
 * the console's edit page offers to change publishes nothing new when left as it is.
 */
class PlanDocumentTest {

	private final CatalogReader reader = new CatalogReader();

	private final YAMLMapper yaml = YAMLMapper.builder().build();

	@ParameterizedTest
	@ValueSource(strings = { "src/main/resources/catalogs/default.yaml", "../examples/agent-platform.yaml",
			"../examples/workflow-automation.yaml", "../examples/auth-dashboard.yaml",
			"../examples/ai-assistant.yaml" })
	void everyPlanOfACatalogReadsBackFromItsDocumentAsYaml(String file) {
		// given
		var catalog = reader.read(Path.of(file));
		var features = catalog.features().stream().collect(Collectors.toMap(Feature::key, Function.identity()));

		for (var plan : catalog.plans()) {
			// when
			var text = yaml.writeValueAsString(PlanDocument.of(plan, features));
			var read = reader.readPlan(yaml.readTree(text), "EUR", features);

			// then
			assertThat(read).as("%s written as%n%s", plan.key(), text).isEqualTo(plan);
		}
	}

	@Test
	void entitlementsTakeTheirShortFormUnlessAQuotaHasOverage() {
		// given
		var catalog = reader.read(Path.of("src/main/resources/catalogs/default.yaml"));
		var features = catalog.features().stream().collect(Collectors.toMap(Feature::key, Function.identity()));
		var pro = catalog.plan("pro").orElseThrow();

		// when
		var document = PlanDocument.of(pro, features);

		// then
		assertThat(document).containsEntry("key", "pro")
			.containsEntry("price", 2900L)
			.containsEntry("interval", "month")
			.containsEntry("rateMultiplier", BigInteger.valueOf(5));
		@SuppressWarnings("unchecked")
		var entitlements = (Map<String, Object>) document.get("entitlements");
		assertThat(entitlements).containsEntry("advanced_analytics", true)
			.containsEntry("seats", 10L)
			.containsEntry("support", "email")
			.containsEntry("retention_days", BigInteger.valueOf(90))
			.containsEntry("api_calls", Map.of("limit", 100000L, "overage", Map.of("price", 1L, "per", 100L)));
	}

}
