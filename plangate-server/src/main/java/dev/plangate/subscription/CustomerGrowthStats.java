package dev.plangate.subscription;

import java.time.Clock;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;

import dev.plangate.catalog.CatalogService;
import dev.plangate.customer.CustomerService;
import dev.plangate.platform.ErrorCode;
import dev.plangate.platform.FieldError;
import dev.plangate.platform.PlangateException;
import dev.plangate.platform.Timestamps;

/**
 * Sign-ups and churn over time, from the customers' creation times and the subscriptions'
 * history: what {@code GET /v1/admin/stats/customers} answers. A subscription is paid
 * while its plan version has a price above 0; it becomes a new paid subscription when it
 * moves onto such a plan from a free one (or starts on one), and churns when it moves
 * from one to a free plan (a cancellation or a scheduled downgrade falling due, the grace
 * of an unpaid one ending) or its customer is deleted.
 */
@Service
public class CustomerGrowthStats {

	/** A bucket's length, UTC: a day, a week from Monday, a calendar month. */
	public enum Granularity {

		DAY("day", ChronoUnit.DAYS, 30, 366), WEEK("week", ChronoUnit.WEEKS, 12, 157),
		MONTH("month", ChronoUnit.MONTHS, 12, 120);

		private final String id;

		private final ChronoUnit unit;

		private final int defaultBuckets;

		private final int maxBuckets;

		Granularity(String id, ChronoUnit unit, int defaultBuckets, int maxBuckets) {
			this.id = id;
			this.unit = unit;
			this.defaultBuckets = defaultBuckets;
			this.maxBuckets = maxBuckets;
		}

		public String id() {
			return id;
		}

		LocalDate start(LocalDate day) {
			return switch (this) {
				case DAY -> day;
				case WEEK -> day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
				case MONTH -> day.withDayOfMonth(1);
			};
		}

		/** Which bucket of the range starting on {@code first} holds {@code day}. */
		int index(LocalDate first, LocalDate day) {
			return (int) unit.between(first, start(day));
		}

		private String most() {
			return switch (this) {
				case DAY -> "366 days";
				case WEEK -> "157 weeks";
				case MONTH -> "120 months";
			};
		}

	}

	private final CustomerService customers;

	private final SubscriptionRepository repository;

	private final CatalogService catalog;

	private final Clock clock;

	CustomerGrowthStats(CustomerService customers, SubscriptionRepository repository, CatalogService catalog,
			Clock clock) {
		this.customers = customers;
		this.repository = repository;
		this.catalog = catalog;
		this.clock = clock;
	}

	/**
	 * Sign-ups and churn in {@code [from, to)}, widened to whole buckets.
	 * @param from ISO-8601 instant or UTC date; absent: the range is the last 30 days, 12
	 * weeks or 12 months up to the one holding {@code to}
	 * @param to ISO-8601 instant or UTC date, exclusive; absent: now
	 * @param granularity {@code day}, {@code week} (absent) or {@code month}
	 * @throws PlangateException {@code invalid_request} for bad dates, {@code from} not
	 * before {@code to}, an unknown granularity or a range of more buckets than 366 days,
	 * 157 weeks or 120 months
	 */
	public GrowthFigures of(@Nullable String from, @Nullable String to, @Nullable String granularity) {
		var errors = new ArrayList<FieldError>();
		var end = Timestamps.parse("to", to, errors);
		var start = Timestamps.parse("from", from, errors);
		var unit = Granularity.WEEK;
		if (granularity != null) {
			unit = switch (granularity) {
				case "day" -> Granularity.DAY;
				case "week" -> Granularity.WEEK;
				case "month" -> Granularity.MONTH;
				default -> {
					errors.add(new FieldError("granularity", "must be 'day', 'week' or 'month'"));
					yield Granularity.WEEK;
				}
			};
		}
		if (!errors.isEmpty()) {
			throw invalid(errors);
		}
		var rangeEnd = end == null ? clock.instant() : end;
		if (start != null && !start.isBefore(rangeEnd)) {
			throw invalid(List.of(new FieldError("from", "must be before 'to'")));
		}
		var lastDay = LocalDate.ofInstant(rangeEnd.minusNanos(1), ZoneOffset.UTC);
		var lastBucket = unit.start(lastDay);
		var first = start == null ? lastBucket.minus(unit.defaultBuckets - 1, unit.unit)
				: unit.start(LocalDate.ofInstant(start, ZoneOffset.UTC));
		int buckets = unit.index(first, lastDay) + 1;
		if (buckets > unit.maxBuckets) {
			throw invalid(List.of(new FieldError("from",
					"the range is longer than " + unit.most() + ", the most one answer covers by the " + unit.id)));
		}
		var alignedStart = first.atStartOfDay(ZoneOffset.UTC).toInstant();
		var alignedEnd = first.plus(buckets, unit.unit).atStartOfDay(ZoneOffset.UTC).toInstant();
		var counts = new long[buckets][4];
		for (var created : customers.createdPerDay(alignedStart, alignedEnd).entrySet()) {
			counts[unit.index(first, created.getKey())][0] += created.getValue();
		}
		var paid = new HashMap<String, Boolean>();
		for (var change : repository.changesPerDay(alignedStart, alignedEnd)) {
			int i = unit.index(first, LocalDate.ofEpochDay(change.day()));
			boolean fromPaid = paid(paid, change.fromPlan(), change.fromVersion());
			boolean toPaid = paid(paid, change.toPlan(), change.toVersion());
			if (change.action().equals("ended")) {
				counts[i][2] += fromPaid ? change.count() : 0;
			}
			else if (toPaid && !fromPaid) {
				counts[i][1] += change.count();
			}
			else if (fromPaid && !toPaid) {
				counts[i][2] += change.count();
			}
			if (change.action().equals("cancel_scheduled")) {
				counts[i][3] += change.count();
			}
		}
		var list = new ArrayList<GrowthBucket>(buckets);
		long[] totals = new long[4];
		for (int i = 0; i < buckets; i++) {
			var bucketStart = first.plus(i, unit.unit);
			var c = counts[i];
			list.add(new GrowthBucket(bucketStart.atStartOfDay(ZoneOffset.UTC).toInstant(),
					bucketStart.plus(1, unit.unit).atStartOfDay(ZoneOffset.UTC).toInstant(), c[0], c[1], c[2], c[3],
					c[1] - c[2]));
			for (int k = 0; k < 4; k++) {
				totals[k] += c[k];
			}
		}
		return new GrowthFigures(alignedStart, alignedEnd, unit.id, totals[0], totals[1], totals[2], totals[3],
				totals[1] - totals[2], list);
	}

	private boolean paid(Map<String, Boolean> known, @Nullable String plan, @Nullable Integer version) {
		if (plan == null || version == null) {
			return false;
		}
		return known.computeIfAbsent(plan + "@" + version,
				key -> catalog.planVersion(plan, version).definition().price() > 0);
	}

	private static PlangateException invalid(List<FieldError> errors) {
		return new PlangateException(ErrorCode.INVALID_REQUEST, errors.get(0).field() + " " + errors.get(0).message(),
				errors);
	}

	/**
	 * Sign-ups and churn in a range.
	 *
	 * @param from the first bucket's start
	 * @param to the last bucket's end (exclusive)
	 * @param newCustomers customers created, deleted ones included
	 * @param newPaidSubscriptions subscriptions that moved onto a paid plan from a free
	 * one (or started on one), trials of a paid plan included
	 * @param churnedSubscriptions paid subscriptions that moved to a free plan or whose
	 * customer was deleted
	 * @param cancellationsScheduled cancellations asked for the end of a period: they
	 * churn when it ends, unless taken back
	 * @param net {@code newPaidSubscriptions} minus {@code churnedSubscriptions}
	 * @param buckets every bucket of the range, oldest first, empty ones included
	 */
	public record GrowthFigures(Instant from, Instant to, String granularity, long newCustomers,
			long newPaidSubscriptions, long churnedSubscriptions, long cancellationsScheduled, long net,
			List<GrowthBucket> buckets) {
	}

	/** One bucket's sign-ups and churn, as {@link GrowthFigures} counts them. */
	public record GrowthBucket(Instant start, Instant end, long newCustomers, long newPaidSubscriptions,
			long churnedSubscriptions, long cancellationsScheduled, long net) {
	}

}
