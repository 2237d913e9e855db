package dev.plangate.catalog;

import java.math.BigDecimal;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.media.Schema.RequiredMode;

/**
 * A plan in the catalog file's form, as {@code POST} and {@code PUT /v1/admin/plans} take
 * it: the schema the API document shows for their body. The body itself is read by
 * {@link CatalogReader} from the JSON tree, so that every problem is told at once (422
 * {@code invalid_plan}) instead of the first one a binder meets;
 * {@code CatalogPlanSchemaTest} keeps this schema and the reader in step.
 */
@Schema(name = "CatalogPlan",
		description = "A plan in the catalog file's form (docs/catalog.md). Unknown fields are refused; every problem "
				+ "is named at once in a 422 `invalid_plan`.")
record CatalogPlan(
		@Schema(description = "Required on POST; on PUT it may be left out, and otherwise must be the path's key",
				pattern = "^[a-z][a-z0-9_]{0,63}$", example = "pro") @Nullable String key,
		@Schema(description = "Defaults to the key", maxLength = 200, example = "Pro") @Nullable String name,
		@Schema(maxLength = 2000) @Nullable String description,
		@Schema(description = "Minor units (cents): 2900 = $29.00", minimum = "0", example = "2900",
				requiredMode = RequiredMode.REQUIRED) long price,
		@Schema(description = "ISO 4217 code; defaults to the catalog file's currency", example = "USD",
				pattern = "^[A-Z]{3}$") @Nullable String currency,
		@Schema(description = "Defaults to `month`", allowableValues = {
				"month", "year" }) @Nullable String interval,
		@Schema(description = "Defaults to 0", minimum = "0", maximum = "2147483647") @Nullable Integer trialDays,
		@Schema(description = "Queue priority, higher is served first; defaults to 0", minimum = "0",
				maximum = "2147483647") @Nullable Integer priority,
		@Schema(description = "Scales the `default` of rate features the plan does not list; defaults to 1, at most "
				+ "4 decimals", minimum = "0.0001", maximum = "99999999",
				example = "1.5") @Nullable BigDecimal rateMultiplier,
		@Schema(description = "The plan's price in Stripe; required on paid plans when Stripe takes the payments",
				pattern = "^price_[A-Za-z0-9_]{1,100}$", example = "price_1PqR2s") @Nullable String stripePrice,
		@Schema(description = "What the plan grants, by feature key; a feature not listed takes its `default`",
				example = "{\"api_calls\": 10000, \"sso\": true, \"support\": \"priority\"}") @Nullable Map<String, EntitlementValue> entitlements){

	/**
	 * What a plan grants for one feature: the short form (a boolean for a switch, an
	 * integer or {@code "unlimited"} for a limit, the value of a setting) or the long
	 * form. Its schema is written out by {@code CatalogDocumentation}.
	 */
	@Schema(name = "EntitlementValue", anyOf = { Boolean.class, BigDecimal.class, String.class, LongForm.class })
	interface EntitlementValue {

	}

	@Schema(name = "CatalogEntitlement", description = "The long form of an entitlement value: `enabled` for a "
			+ "switch, `limit` (and for a quota `overage`) for a quota, rate or concurrency feature, `value` for a "
			+ "setting")
	record LongForm(@Nullable Boolean enabled,
			@Schema(description = "An integer of at least 0, or `unlimited`", types = {
					"integer", "string" }) @Nullable Object limit,
			@Schema(description = "The setting's value: a number, `unlimited`, a text or one of the enum's values",
					types = { "number", "string" }) @Nullable Object value,
			@Nullable Overage overage){

	}

	@Schema(name = "CatalogOverage",
			description = "Quota only: makes the limit soft and prices use beyond it (docs/billing.md)")
	record Overage(
			@Schema(description = "Minor units per `per` units", minimum = "0",
					requiredMode = RequiredMode.REQUIRED) long price,
			@Schema(description = "Defaults to 1", minimum = "1") @Nullable Long per,
			@Schema(description = "The most units a period may go beyond the allowance and the grants; no cap "
					+ "without it", minimum = "0") @Nullable Long cap,
			@Schema(description = "The Stripe price the overage is invoiced at",
					pattern = "^price_[A-Za-z0-9_]{1,100}$") @Nullable String stripePrice) {

	}

}
