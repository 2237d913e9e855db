package dev.plangate.metering;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.core.MethodParameter;
import org.springframework.validation.BeanPropertyBindingResult;
import org.springframework.validation.beanvalidation.SpringValidatorAdapter;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.plangate.catalog.CatalogService;
import dev.plangate.catalog.FeatureKind;
import dev.plangate.platform.CustomerId;
import dev.plangate.platform.ErrorCode;
import dev.plangate.platform.EventId;
import dev.plangate.platform.Ids;
import dev.plangate.platform.Key;
import dev.plangate.platform.Page;
import dev.plangate.platform.Preferences;
import dev.plangate.platform.Refusals;
import dev.plangate.subscription.SubscriptionService;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.enums.ParameterIn;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.validation.Valid;
import jakarta.validation.Validator;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

@RestController
@Tag(name = "Usage")
class MeteringController {

	private final MeteringService metering;

	private final UsageViews usageViews;

	private final UsageHistories histories;

	private final UsageEventLog eventLog;

	private final UsageEventExport export;

	/** The body of {@link #record}, named by a refusal of it. */
	private static final MethodParameter RECORD_BODY;

	static {
		try {
			RECORD_BODY = new MethodParameter(MeteringController.class.getDeclaredMethod("record", IngestRequest.class,
					HttpServletRequest.class, HttpServletResponse.class), 0);
		}
		catch (NoSuchMethodException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private final SpringValidatorAdapter validator;

	MeteringController(MeteringService metering, UsageViews usageViews, UsageHistories histories,
			UsageEventLog eventLog, UsageEventExport export, Validator validator) {
		this.validator = new SpringValidatorAdapter(validator);
		this.export = export;
		this.metering = metering;
		this.usageViews = usageViews;
		this.histories = histories;
		this.eventLog = eventLog;
	}

	record EventInput(@NotNull @EventId String id, @NotNull @CustomerId String customerId, @NotNull @Key String feature,
			@NotNull Long amount, @Nullable Instant timestamp,
			@Nullable @Size(max = 50, message = "must have at most 50 keys") Map<String, Object> properties) {
	}

	record IngestRequest(@NotEmpty @Size(max = 10_000) List<@Valid @NotNull EventInput> events) {
	}

	record IngestResult(int recorded, int duplicates, List<Recorded> events) {
	}

	/**
	 * The answer to {@link #record} under {@code Prefer: return=minimal}: the counts
	 * alone.
	 */
	record IngestSummary(int recorded, int duplicates) {
	}

	@PostMapping("/v1/usage-events")
	@Refusals({ ErrorCode.INVALID_USAGE_EVENTS, ErrorCode.PAYLOAD_TOO_LARGE, ErrorCode.LEDGER_BUSY })
	@Operation(operationId = "recordUsageEvents", summary = "Record usage events (1 to 10,000 per request)",
			description = "Each event's `id` makes it idempotent per customer: a repeated id is not counted again "
					+ "and is answered with what was recorded first (`duplicate: true`). Events are validated "
					+ "together: one bad event refuses the request (422 `invalid_usage_events` naming each) and "
					+ "nothing is recorded. The answer comes after the events are committed to the ledger. "
					+ "With `Prefer: return=minimal` it holds only the counts (no `events`) and "
					+ "carries `Preference-Applied: return=minimal`; with an `Idempotency-Key`, that preference is "
					+ "part of the request, so the same key with the other preference is 422 "
					+ "`idempotency_key_reused`.",
			parameters = @Parameter(name = Preferences.PREFER, in = ParameterIn.HEADER,
					description = "`return=minimal` answers the counts alone, without `events`",
					schema = @Schema(type = "string", example = Preferences.RETURN_MINIMAL)),
			responses = @ApiResponse(responseCode = "200",
					description = "The counts, and each event as recorded; under `Prefer: return=minimal` the "
							+ "counts alone, without `events`",
					headers = @Header(name = Preferences.APPLIED,
							description = "`return=minimal` when the answer is the counts alone",
							schema = @Schema(type = "string")),
					content = @Content(mediaType = "application/json",
							schema = @Schema(implementation = IngestResult.class))))
	Object record(@RequestBody IngestRequest request, HttpServletRequest http, HttpServletResponse response)
			throws MethodArgumentNotValidException {
		if (!plainlyValid(request)) {
			refuseInvalid(request);
		}
		var events = request.events()
			.stream()
			.map(e -> new MeteringService.NewEvent(e.id(), e.customerId(), e.feature(), e.amount(), e.timestamp(),
					e.properties() == null ? Map.of() : e.properties()))
			.toList();
		var recorded = metering.record(events);
		int duplicates = 0;
		for (var r : recorded) {
			if (r.duplicate()) {
				duplicates++;
			}
		}
		if (Preferences.returnMinimal(http)) {
			response.setHeader(Preferences.APPLIED, Preferences.RETURN_MINIMAL);
			return new IngestSummary(recorded.size() - duplicates, duplicates);
		}
		return new IngestResult(recorded.size() - duplicates, duplicates, recorded);
	}

	/**
	 * Whether a request meets its constraints, checked by hand: bean validation of every
	 * event's fields costs more than recording it. The checks are those of
	 * {@link IngestRequest} and {@link EventInput}; anything they do not plainly accept
	 * is judged by bean validation itself ({@link #refuseInvalid}), so the answer to a
	 * bad request is the one bean validation gives.
	 */
	static boolean plainlyValid(IngestRequest request) {
		var events = request.events();
		if (events == null || events.isEmpty() || events.size() > 10_000) {
			return false;
		}
		for (var e : events) {
			if (e == null || e.id() == null || !Ids.isEventId(e.id()) || e.customerId() == null
					|| !Ids.isCustomerId(e.customerId()) || e.feature() == null || !Ids.isKey(e.feature())
					|| e.amount() == null || (e.properties() != null && e.properties().size() > 50)) {
				return false;
			}
		}
		return true;
	}

	/**
	 * Validates the request as {@code @Valid} would and refuses it with the same answer
	 * when it breaks a constraint.
	 */
	private void refuseInvalid(IngestRequest request) throws MethodArgumentNotValidException {
		var errors = new BeanPropertyBindingResult(request, "ingestRequest");
		validator.validate(request, errors);
		if (errors.hasErrors()) {
			throw new MethodArgumentNotValidException(RECORD_BODY, errors);
		}
	}

	@GetMapping("/v1/customers/{id}/usage")
	@Operation(operationId = "getUsage", summary = "A customer's usage of every quota in its current period",
			description = "Used, limit, remaining and percent; the period and days remaining; a projection of "
					+ "end-of-period usage (`projected`, and `projection` with its `method`, `dailyRate` and "
					+ "`basisDays`): `trend`, a weighted straight line through the daily totals of the last 14 days "
					+ "once 7 of them have passed since the first usage, else `linear` on the period so far (left "
					+ "out until a tenth of the period has passed); `recommendedPlan`, the cheapest active plan of "
					+ "the same interval (or free) whose limits fit every projection, with the `reason`, when it is "
					+ "not the current one (docs/usage.md); alerts `approaching` from 80 % and `reached` once the limit is used up. Grants "
					+ "are reported apart: what they hold, what this period drew from them, and the overage beyond "
					+ "allowance and grants.")
	UsageView usage(@PathVariable @CustomerId String id) {
		return usageViews.of(id);
	}

	@GetMapping("/v1/customers/{id}/usage/history")
	@Operation(operationId = "getUsageHistory", summary = "A customer's usage per hour, day or month",
			description = HISTORY_DESCRIPTION)
	UsageHistory history(@PathVariable @CustomerId String id,
			@RequestParam(required = false) @Nullable @Size(max = 64) String feature,
			@RequestParam(required = false) @Nullable @Size(max = 64) String from,
			@RequestParam(required = false) @Nullable @Size(max = 64) String to,
			@RequestParam(required = false) @Nullable @Size(max = 16) String granularity) {
		return histories.of(id, feature, from, to, granularity);
	}

	@GetMapping("/v1/customers/{id}/usage/events")
	@Operation(operationId = "listUsageEvents", summary = "A customer's recorded usage events, newest first",
			description = EVENTS_DESCRIPTION)
	Page<RecordedEvent> events(@PathVariable @CustomerId String id,
			@RequestParam(required = false) @Nullable @Size(max = 64) String feature,
			@RequestParam(required = false) @Nullable @Size(max = 64) String from,
			@RequestParam(required = false) @Nullable @Size(max = 64) String to,
			@RequestParam(required = false) @Nullable @Size(max = 64) String cursor,
			@RequestParam(defaultValue = "50") @Min(1) @Max(500) int limit) {
		return eventLog.list(id, feature, from, to, cursor, limit);
	}

	@GetMapping(path = "/v1/customers/{id}/usage/events/export", produces = { "application/x-ndjson", "text/csv" })
	@Operation(operationId = "exportUsageEvents", summary = "Export a customer's usage events of a time range",
			description = "The events that occurred from `from` (inclusive) to `to` (exclusive), both required "
					+ "(ISO-8601 instants with an offset or dates, UTC midnight) and at most 366 days apart, oldest "
					+ "first, of one `feature` or all. `format=ndjson` (one JSON event a line, as the listing shows "
					+ "them) or `format=csv` (RFC 4180, a header row, `properties` as JSON); without `format`, "
					+ "`Accept: text/csv` chooses CSV and anything else NDJSON. Rows are written as they are read, "
					+ "so an export of any size starts at once. Missing or bad dates, `from` not before `to`, a "
					+ "longer range or an unknown format answer 400 `invalid_request`.",
			responses = @ApiResponse(responseCode = "200", description = "The events, oldest first",
					content = { @Content(mediaType = "application/x-ndjson"), @Content(mediaType = "text/csv") }))
	void export(@PathVariable @CustomerId String id,
			@RequestParam(required = false) @Nullable @Size(max = 64) String feature,
			@RequestParam(required = false) @Nullable @Size(max = 64) String from,
			@RequestParam(required = false) @Nullable @Size(max = 64) String to,
			@RequestParam(required = false) @Nullable @Size(max = 16) String format,
			@RequestHeader(name = "Accept", required = false) @Nullable String accept, HttpServletResponse response)
			throws IOException {
		var request = export.check(id, feature, from, to, format, accept);
		// Written on this request's thread, not as an async answer: an export takes as
		// long as
		// it takes, without the container's async timeout.
		response.setContentType(request.format().mediaType() + ";charset=UTF-8");
		export.write(request, response.getOutputStream());
		response.flushBuffer();
	}

	/** What both usage event listings document. */
	static final String EVENTS_DESCRIPTION = "The events the ledger holds, last recorded first: each with its `id` "
			+ "(the idempotency key it was sent with), feature, amount, when it occurred and was recorded, its "
			+ "`source` (`consume` or `usage-events`), the `overage` of a consume admitted beyond allowance and "
			+ "grants, and its `properties`. `feature` filters by feature (404 `feature_not_found` if none); "
			+ "`from` (inclusive) and `to` (exclusive) by when the usage occurred, as ISO-8601 instants with an "
			+ "offset or dates (UTC midnight). Pass `nextCursor` as `cursor` to read older events; events "
			+ "recorded meanwhile do not shift the pages. `limit` 1 to 500, default 50. Bad dates, `from` not "
			+ "before `to`, a bad `cursor` or `limit` answer 400 `invalid_request`.";

	/** What both usage history operations document. */
	static final String HISTORY_DESCRIPTION = "Per quota feature (or the one `feature` names: 404 "
			+ "`feature_not_found` if none), the amount and number of events of each bucket from `from` to `to`, "
			+ "buckets without usage included as zeros, and its `peak`: the bucket with the largest amount (the "
			+ "earliest of equal ones; absent without usage). Buckets are UTC hours, days or months (`granularity`, "
			+ "default `day`) of when the usage occurred; `from` is rounded down and `to` (exclusive) up to a "
			+ "bucket's edge. Both are ISO-8601 instants with an offset or dates (UTC midnight); `to` defaults to "
			+ "now and `from` to 24 hours, 30 days or 12 months before it. One answer holds at most 744 hours "
			+ "(31 days), 1,096 days (3 years) or 120 months (10 years). Bad dates, an unknown granularity, `from` "
			+ "not before `to` or a longer range answer 400 `invalid_request`.";

}
