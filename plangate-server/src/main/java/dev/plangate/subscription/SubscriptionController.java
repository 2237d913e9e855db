package dev.plangate.subscription;

import java.util.List;

import org.jspecify.annotations.Nullable;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.plangate.platform.CustomerId;
import dev.plangate.platform.ErrorCode;
import dev.plangate.platform.Key;
import dev.plangate.platform.Page;
import dev.plangate.platform.Refusals;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

@RestController
@Tag(name = "Subscriptions")
class SubscriptionController {

	private final SubscriptionService subscriptions;

	SubscriptionController(SubscriptionService subscriptions) {
		this.subscriptions = subscriptions;
	}

	/**
	 * @param when {@code now} or {@code period_end}; by default a downgrade of a paid
	 * period waits for its end and anything else happens now
	 * @param force change although the customer holds more than the plan allows (audited)
	 */
	record ChangePlan(@NotNull @Key String plan,
			@Nullable @Pattern(regexp = "now|period_end", message = "must be 'now' or 'period_end'") String when,
			@Nullable Boolean force) {
	}

	record Migration(@Nullable @Min(1) Integer fromVersion, @Nullable @Min(1) Integer toVersion,
			@Nullable @Size(min = 1, max = 10_000) List<@CustomerId String> customerIds) {
	}

	record MigrationResult(String plan, int toVersion, int migrated, List<String> customerIds) {
	}

	@GetMapping("/v1/customers/{id}/subscription")
	@Operation(operationId = "getSubscription", summary = "Read a customer's subscription with its plan")
	SubscriptionView get(@PathVariable @CustomerId String id) {
		return subscriptions.view(id);
	}

	@Refusals({ ErrorCode.UNKNOWN_PLAN, ErrorCode.PLAN_ARCHIVED })
	@GetMapping("/v1/customers/{id}/subscription/preview")
	@Operation(operationId = "previewSubscriptionChange",
			summary = "What a plan change would do: when, at what cost, and what it would break",
			description = "Changes nothing. `when` as for a change (by default a downgrade of a paid period waits "
					+ "for its end). Amounts are in minor units: `dueNow` is charged at once, `nextInvoice` follows. "
					+ "While Stripe bills the customer they are Stripe's preview of its invoices (`source: stripe`); "
					+ "otherwise Plangate's daily proration (`source: plangate`, with `proration`: the unused days of "
					+ "the current plan credited, the days the new plan covers charged). `violations` lists what the "
					+ "customer holds above the new plan's limits; with any, the change is refused unless forced. "
					+ "Unknown plan: 422 `unknown_plan`; archived plan: 409 `plan_archived`.")
	ChangePreview preview(@PathVariable @CustomerId String id, @RequestParam @Key String plan,
			@RequestParam(required = false) @Nullable @Pattern(regexp = "now|period_end",
					message = "must be 'now' or 'period_end'") String when) {
		return subscriptions.preview(id, plan, SubscriptionService.When.of(when));
	}

	@Refusals({ ErrorCode.UNKNOWN_PLAN, ErrorCode.PLAN_ARCHIVED, ErrorCode.DOWNGRADE_BLOCKED })
	@PostMapping("/v1/customers/{id}/subscription")
	@Operation(operationId = "changeSubscription", summary = "Change plan, now or at the period's end",
			description = "Moves the customer to the current version of `plan`; naming its own plan moves it to the "
					+ "plan's newest version and takes back a scheduled change or cancellation. An upgrade (a higher "
					+ "price per year) happens now; a downgrade of a paid period waits for its end and shows as "
					+ "`pendingChange` until then, unless `when` is `now`. A first subscription to a plan with trial "
					+ "days starts a trial. When the customer holds more than the plan allows (items counted by a "
					+ "lifetime quota, leases, members): 409 `downgrade_blocked` with every violation, unless "
					+ "`force` is true. Unknown plan: 422 `unknown_plan`; archived plan: 409 `plan_archived`. While "
					+ "Stripe bills the customer, the change is made in Stripe first (an upgrade charged at once, a "
					+ "downgrade at the period's end as a subscription schedule); a free plan is then 422 "
					+ "`plan_not_for_sale` (cancel instead), Stripe refusing 502 `payment_provider_refused`, Stripe "
					+ "unreachable 503 `payment_provider_unavailable`, and nothing changes.")
	SubscriptionView change(@PathVariable @CustomerId String id, @Valid @RequestBody ChangePlan request) {
		var s = subscriptions.changePlan(id, request.plan(), SubscriptionService.When.of(request.when()),
				Boolean.TRUE.equals(request.force()));
		return subscriptions.view(s);
	}

	@Refusals({ ErrorCode.NO_PENDING_CHANGE })
	@DeleteMapping("/v1/customers/{id}/subscription/pending-change")
	@Operation(operationId = "cancelScheduledSubscriptionChange",
			summary = "Take back a plan change scheduled for the period's end",
			description = "Without one: 409 `no_pending_change`.")
	SubscriptionView cancelPendingChange(@PathVariable @CustomerId String id) {
		return subscriptions.view(subscriptions.cancelPendingChange(id));
	}

	@Refusals({ ErrorCode.SUBSCRIPTION_NOT_CANCELABLE })
	@DeleteMapping("/v1/customers/{id}/subscription")
	@Operation(operationId = "cancelSubscription", summary = "Cancel",
			description = "At the end of the current period (default) or `immediately=true`. Either way the customer "
					+ "returns to the default plan. On the default plan: 409 `subscription_not_cancelable`. While Stripe "
					+ "bills the customer, its subscription is set to cancel at the period's end (or canceled) first.")
	SubscriptionView cancel(@PathVariable @CustomerId String id,
			@RequestParam(defaultValue = "false") boolean immediately) {
		return subscriptions.view(subscriptions.cancel(id, immediately));
	}

	@Refusals({ ErrorCode.NO_PENDING_CANCELLATION })
	@PostMapping("/v1/customers/{id}/subscription/resume")
	@Operation(operationId = "resumeSubscription", summary = "Take back a cancellation scheduled for the period's end")
	SubscriptionView resume(@PathVariable @CustomerId String id) {
		return subscriptions.view(subscriptions.resume(id));
	}

	@GetMapping("/v1/customers/{id}/subscription/history")
	@Operation(operationId = "listSubscriptionHistory",
			summary = "Every change of a customer's subscription, oldest first")
	Page<SubscriptionChange> history(@PathVariable @CustomerId String id) {
		return Page.of(subscriptions.history(id));
	}

	@GetMapping("/v1/customers/{id}/entitlements")
	@Operation(operationId = "getEntitlements", summary = "Every feature's effective value for a customer",
			description = "Override, else the subscribed plan version, else the feature's default (for rate "
					+ "features scaled by the plan's multiplier). `source` says which. The one call a client caches.")
	SubscriptionService.CustomerEntitlements entitlements(@PathVariable @CustomerId String id) {
		return subscriptions.entitlements(id);
	}

	@Refusals({ ErrorCode.PLAN_VERSION_NOT_FOUND, ErrorCode.PLAN_ARCHIVED })
	@PostMapping("/v1/admin/plans/{key}/migrations")
	@Operation(operationId = "migratePlanSubscriptions",
			summary = "Move subscribers of older plan versions to one version",
			description = "All live subscribers of other versions (or of `fromVersion`), or only `customerIds`, move "
					+ "to `toVersion` (default: the current version). Periods are kept.")
	MigrationResult migrate(@PathVariable @Key String key, @Valid @RequestBody Migration request) {
		var moved = subscriptions.migrate(key, request.fromVersion(), request.toVersion(), request.customerIds());
		int to = request.toVersion() != null ? request.toVersion() : subscriptions.currentVersionOf(key);
		return new MigrationResult(key, to, moved.size(), moved);
	}

}
