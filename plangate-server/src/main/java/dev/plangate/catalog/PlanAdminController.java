package dev.plangate.catalog;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import dev.plangate.platform.ErrorCode;
import dev.plangate.platform.Key;
import dev.plangate.platform.Page;
import dev.plangate.platform.Refusals;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import tools.jackson.databind.JsonNode;

/**
 * Plan changes outside the catalog file. Each change is a new version and is audited.
 * Bodies are read as JSON trees, so that {@link CatalogReader} names every problem at
 * once; the API document shows them as {@link CatalogPlan}.
 */
@RestController
@RequestMapping("/v1/admin/plans")
@Tag(name = "Plan administration")
class PlanAdminController {

	private final CatalogService catalog;

	PlanAdminController(CatalogService catalog) {
		this.catalog = catalog;
	}

	@GetMapping
	@Operation(operationId = "listAdminPlans", summary = "List every plan, archived ones included")
	Page<PlanView> plans() {
		var features = catalog.featuresByKey();
		return Page.of(catalog.plans().stream().map(p -> PlanView.of(p, features)).toList());
	}

	@Refusals({ ErrorCode.INVALID_PLAN, ErrorCode.PLAN_EXISTS, ErrorCode.UNKNOWN_FEATURE })
	@PostMapping
	@ResponseStatus(HttpStatus.CREATED)
	@Operation(operationId = "createPlan", summary = "Create a plan",
			description = "The body is a plan in the catalog file's form (docs/catalog.md), as JSON. "
					+ "Answers 422 `invalid_plan` naming every problem, 409 `plan_exists` for a taken key.")
	PlanView create(@io.swagger.v3.oas.annotations.parameters.RequestBody(
			content = @Content(schema = @Schema(implementation = CatalogPlan.class))) @RequestBody JsonNode body) {
		return PlanView.of(catalog.createPlan(body), catalog.featuresByKey());
	}

	@Refusals({ ErrorCode.INVALID_PLAN, ErrorCode.UNKNOWN_FEATURE })
	@PutMapping("/{key}")
	@Operation(operationId = "updatePlan", summary = "Change a plan: creates a new version",
			description = "Existing subscribers stay on their version until migrated. A body equal to the current "
					+ "version changes nothing.")
	PlanView update(@PathVariable @Key String key, @io.swagger.v3.oas.annotations.parameters.RequestBody(
			content = @Content(schema = @Schema(implementation = CatalogPlan.class))) @RequestBody JsonNode body) {
		return PlanView.of(catalog.updatePlan(key, body), catalog.featuresByKey());
	}

	@GetMapping("/{key}/versions")
	@Operation(operationId = "listPlanVersions", summary = "List every version of a plan")
	Page<PlanView> versions(@PathVariable @Key String key) {
		var features = catalog.featuresByKey();
		return Page.of(catalog.planVersions(key).stream().map(p -> PlanView.of(p, features)).toList());
	}

	@Refusals({ ErrorCode.DEFAULT_PLAN_REQUIRED })
	@PostMapping("/{key}/archive")
	@Operation(operationId = "archivePlan", summary = "Archive a plan",
			description = "Subscribers keep it; nobody new can choose it.")
	PlanView archive(@PathVariable @Key String key) {
		return PlanView.of(catalog.setStatus(key, PlanStatus.ARCHIVED), catalog.featuresByKey());
	}

	@PostMapping("/{key}/activate")
	@Operation(operationId = "activatePlan", summary = "Make an archived plan choosable again")
	PlanView activate(@PathVariable @Key String key) {
		return PlanView.of(catalog.setStatus(key, PlanStatus.ACTIVE), catalog.featuresByKey());
	}

}
