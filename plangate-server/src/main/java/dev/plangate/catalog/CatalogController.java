package dev.plangate.catalog;

import org.jspecify.annotations.Nullable;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.plangate.platform.Key;
import dev.plangate.platform.Page;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.security.SecurityRequirements;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.constraints.Min;

/** The catalog as a pricing page and a product's backend read it. */
@RestController
@RequestMapping("/v1")
@Tag(name = "Catalog")
class CatalogController {

	private final CatalogService catalog;

	CatalogController(CatalogService catalog) {
		this.catalog = catalog;
	}

	@GetMapping("/plans")
	@SecurityRequirements
	@Operation(operationId = "listPlans", summary = "List active plans (public, no key)",
			description = "The current version of every plan new customers can choose, cheapest first, each with its "
					+ "entitlements. This is what a pricing page calls.")
	Page<PlanView> plans() {
		var features = catalog.featuresByKey();
		return Page.of(catalog.plans().stream().filter(Plan::isActive).map(p -> PlanView.of(p, features)).toList());
	}

	@GetMapping("/plans/{key}")
	@SecurityRequirements
	@Operation(operationId = "getPlan", summary = "Read one plan (public, no key)",
			description = "The current version, or the version given. Archived plans are readable too.")
	PlanView plan(@PathVariable @Key String key, @RequestParam(required = false) @Nullable @Min(1) Integer version) {
		var plan = version == null ? catalog.plan(key) : catalog.planVersion(key, version);
		return PlanView.of(plan, catalog.featuresByKey());
	}

	@GetMapping("/features")
	@Operation(operationId = "listFeatures", summary = "List features")
	Page<FeatureView> features() {
		return Page.of(catalog.features().stream().map(FeatureView::of).toList());
	}

	@GetMapping("/features/{key}")
	@Operation(operationId = "getFeature", summary = "Read one feature")
	FeatureView feature(@PathVariable @Key String key) {
		return FeatureView.of(catalog.feature(key));
	}

}
