package dev.plangate.billing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.springframework.stereotype.Service;

/**
 * The back office's figures about the money the invoices mirrored from Stripe ask and
 * bring in: per calendar month (UTC) of the last twelve and over the last 30 days, per
 * currency.
 */
@Service
public class RevenueStats {

	static final int MONTHS = 12;

	private static final Duration LAST_DAYS = Duration.ofDays(30);

	private final InvoiceRepository invoices;

	private final BillingSettings settings;

	private final Clock clock;

	RevenueStats(InvoiceRepository invoices, BillingSettings settings, Clock clock) {
		this.invoices = invoices;
		this.settings = settings;
		this.clock = clock;
	}

	/**
	 * @param at when the figures were read
	 * @param provider who takes the payments: {@code none} or {@code stripe}
	 * @param invoices whether any invoice counts in these figures
	 * @param lastThirtyDays the 30 days up to {@code at}
	 * @param months the current month and the eleven before it, oldest first, every one
	 * named
	 */
	public record RevenueFigures(Instant at, String provider, boolean invoices, Period lastThirtyDays,
			List<MonthFigures> months) {

		/** The current calendar month (UTC). */
		public MonthFigures thisMonth() {
			return months.get(months.size() - 1);
		}

	}

	/**
	 * A calendar month's figures.
	 *
	 * @param month {@code yyyy-MM}, in UTC
	 */
	public record MonthFigures(String month, List<Amount> invoiced, List<Amount> paid) {
	}

	/**
	 * @param invoiced the totals of the invoices finalized in the period (void ones left
	 * out), per currency
	 * @param paid what the invoices paid in the period brought in, per currency
	 */
	public record Period(List<Amount> invoiced, List<Amount> paid) {
	}

	/** An amount in the currency's minor units (cents). */
	public record Amount(String currency, long amount) {
	}

	/**
	 * Invoiced: the total of every invoice finalized in the period and not voided
	 * (uncollectible ones included), by the time Stripe finalized it. Paid: the amount
	 * paid of every invoice whose status is {@code paid}, by the time it was paid.
	 */
	public RevenueFigures now() {
		var now = clock.instant();
		var thisMonth = YearMonth.from(now.atZone(ZoneOffset.UTC));
		var first = thisMonth.minusMonths(MONTHS - 1);
		var from = first.atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
		var thirtyDaysAgo = now.minus(LAST_DAYS);
		var since = from.isBefore(thirtyDaysAgo) ? from : thirtyDaysAgo;
		var invoicedPerMonth = new TreeMap<YearMonth, Map<String, Long>>();
		var paidPerMonth = new TreeMap<YearMonth, Map<String, Long>>();
		var invoicedLately = new TreeMap<String, Long>();
		var paidLately = new TreeMap<String, Long>();
		boolean any = false;
		for (var invoice : invoices.revenueSince(since)) {
			var finalized = invoice.finalizedAt();
			if (finalized != null && !invoice.status().equals("void") && !finalized.isAfter(now)) {
				any = true;
				add(invoicedPerMonth, invoicedLately, finalized, from, thirtyDaysAgo, invoice.currency(),
						invoice.total());
			}
			var paid = invoice.paidAt();
			if (paid != null && invoice.status().equals("paid") && !paid.isAfter(now)) {
				any = true;
				add(paidPerMonth, paidLately, paid, from, thirtyDaysAgo, invoice.currency(), invoice.amountPaid());
			}
		}
		var months = new ArrayList<MonthFigures>();
		for (var month = first; !month.isAfter(thisMonth); month = month.plusMonths(1)) {
			months.add(new MonthFigures(month.toString(), amounts(invoicedPerMonth.getOrDefault(month, Map.of())),
					amounts(paidPerMonth.getOrDefault(month, Map.of()))));
		}
		return new RevenueFigures(now, settings.provider(), any,
				new Period(amounts(invoicedLately), amounts(paidLately)), months);
	}

	private static void add(Map<YearMonth, Map<String, Long>> perMonth, Map<String, Long> lately, Instant at,
			Instant from, Instant thirtyDaysAgo, String currency, long amount) {
		if (!at.isBefore(from)) {
			perMonth.computeIfAbsent(YearMonth.from(at.atZone(ZoneOffset.UTC)), key -> new TreeMap<>())
				.merge(currency, amount, Long::sum);
		}
		if (at.isAfter(thirtyDaysAgo)) {
			lately.merge(currency, amount, Long::sum);
		}
	}

	/** Most first, then by currency. */
	private static List<Amount> amounts(Map<String, Long> perCurrency) {
		return perCurrency.entrySet()
			.stream()
			.map(entry -> new Amount(entry.getKey(), entry.getValue()))
			.sorted(Comparator.comparingLong(Amount::amount).reversed().thenComparing(Amount::currency))
			.toList();
	}

}
