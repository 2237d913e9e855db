package dev.plangate.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.RecordComponent;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

/**
 * The plan schema the API document shows for {@code /v1/admin/plans} names exactly the
 * fields {@link CatalogReader} accepts, so that a generated client can send every field
 * and none that is refused.
 */
class CatalogPlanSchemaTest {

	@Test
	void planSchemaNamesTheFieldsTheReaderAccepts() {
		assertThat(fields(CatalogPlan.class)).containsExactlyInAnyOrderElementsOf(CatalogReader.PLAN_FIELDS);
	}

	@Test
	void longFormSchemaNamesTheFieldsTheReaderAccepts() {
		assertThat(fields(CatalogPlan.LongForm.class))
			.containsExactlyInAnyOrderElementsOf(CatalogReader.ENTITLEMENT_FIELDS);
	}

	@Test
	void overageSchemaNamesTheFieldsTheReaderAccepts() {
		assertThat(fields(CatalogPlan.Overage.class)).containsExactlyInAnyOrderElementsOf(CatalogReader.OVERAGE_FIELDS);
	}

	private static String[] fields(Class<? extends Record> type) {
		return Arrays.stream(type.getRecordComponents()).map(RecordComponent::getName).toArray(String[]::new);
	}

}
