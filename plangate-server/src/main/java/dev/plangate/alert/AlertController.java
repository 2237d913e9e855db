package dev.plangate.alert;

import java.util.List;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import dev.plangate.platform.Actor;
import dev.plangate.platform.CustomerId;
import dev.plangate.platform.ErrorCode;
import dev.plangate.platform.Key;
import dev.plangate.platform.Page;
import dev.plangate.platform.Refusals;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

@RestController
@Tag(name = "Usage alerts")
class AlertController {

	static final String HISTORY_DESCRIPTION = "Every alert fired for the customer, newest first: "
			+ "`usage.threshold_reached` once per period and threshold when usage reached that percent of the "
			+ "limit, `quota.exceeded` once per period when a consume was first refused for want of quota or "
			+ "admitted as overage. Each names the event that fired it, the total it left and the limit. "
			+ "`feature` filters (404 `feature_not_found` if none); pass `nextCursor` as `cursor` to read older "
			+ "alerts; `limit` 1 to 500, default 50. A bad `cursor` or `limit` answers 400 `invalid_request`.";

	private final UsageAlerts alerts;

	AlertController(UsageAlerts alerts) {
		this.alerts = alerts;
	}

	/** A customer's own thresholds of one quota. */
	record SetThresholds(@NotNull(message = "is required: percents of the limit, ascending, such as [80, 100]") @Size(
			min = 1, max = 20, message = "must name 1 to 20 thresholds") List<@NotNull Integer> thresholds) {
	}

	@GetMapping("/v1/customers/{id}/alerts")
	@Operation(operationId = "listAlerts", summary = "A customer's usage alerts, newest first",
			description = HISTORY_DESCRIPTION)
	Page<UsageAlert> list(@PathVariable @CustomerId String id,
			@RequestParam(required = false) @Nullable @Size(max = 64) String feature,
			@RequestParam(required = false) @Nullable @Size(max = 64) String cursor,
			@RequestParam(defaultValue = "50") @Min(1) @Max(500) int limit) {
		return alerts.list(id, feature, cursor, limit);
	}

	@GetMapping("/v1/me/alerts")
	@Operation(operationId = "listMyAlerts", summary = "The token's customer's usage alerts, newest first",
			description = "As `GET /v1/customers/{id}/alerts`, for the customer of the access token (account or "
					+ "organization).")
	Page<UsageAlert> mine(@RequestParam(required = false) @Nullable @Size(max = 64) String feature,
			@RequestParam(required = false) @Nullable @Size(max = 64) String cursor,
			@RequestParam(defaultValue = "50") @Min(1) @Max(500) int limit) {
		return alerts.list(Actor.currentCustomer(), feature, cursor, limit);
	}

	@GetMapping("/v1/customers/{id}/alert-thresholds/{feature}")
	@Operation(operationId = "getAlertThresholds", summary = "The alert thresholds of a customer's quota",
			description = "The percents of the limit at which `usage.threshold_reached` fires, and where they come "
					+ "from: `customer` (set for this customer), `catalog` (the feature's `alertThresholds`) or "
					+ "`default` (`plangate.alerts.default-thresholds`). A feature that is not a quota answers 422 "
					+ "`invalid_alert_thresholds`.")
	UsageAlerts.Thresholds thresholds(@PathVariable @CustomerId String id, @PathVariable @Key String feature) {
		return alerts.thresholds(id, feature);
	}

	@Refusals({ ErrorCode.INVALID_ALERT_THRESHOLDS, ErrorCode.UNKNOWN_FEATURE })
	@PutMapping("/v1/customers/{id}/alert-thresholds/{feature}")
	@Operation(operationId = "setAlertThresholds", summary = "Give a customer its own alert thresholds of a quota",
			description = "`thresholds`: whole percents from 1 to 1000, ascending, each once (for example "
					+ "`[50, 90, 100]`); they replace the catalog's for this customer and feature, from the next "
					+ "event on. Out of range, unsorted or repeated percents, or a feature that is not a quota, "
					+ "answer 422 `invalid_alert_thresholds` naming each; the change is audited.")
	UsageAlerts.Thresholds setThresholds(@PathVariable @CustomerId String id, @PathVariable @Key String feature,
			@Valid @RequestBody SetThresholds request) {
		return alerts.setThresholds(id, feature, request.thresholds());
	}

	@DeleteMapping("/v1/customers/{id}/alert-thresholds/{feature}")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	@Operation(operationId = "removeAlertThresholds", summary = "Remove a customer's own alert thresholds of a quota",
			description = "The catalog's (or the default) apply again. 404 `alert_thresholds_not_found` when the "
					+ "customer has none of its own for the feature; the change is audited.")
	void removeThresholds(@PathVariable @CustomerId String id, @PathVariable @Key String feature) {
		alerts.removeThresholds(id, feature);
	}

}
