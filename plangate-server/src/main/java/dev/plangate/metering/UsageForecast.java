package dev.plangate.metering;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * How the usage view projects a quota to the end of its period. The straight line over
 * the elapsed period treats a customer who just started using a feature heavily like one
 * who used it evenly; the recent trend sees the difference. So, when the hourly rollups
 * hold enough recent days, the projection follows the trend, else the straight line.
 * <ul>
 * <li>{@code trend}: the daily totals of the last {@value #TREND_DAYS} days (24-hour
 * windows ending with the current hour), from the first day with usage, at least
 * {@value #MIN_TREND_DAYS} of them, get a straight line fitted by weighted least squares,
 * each day weighing half as much as one {@value #HALF_LIFE_DAYS} days more recent; the
 * line's value for the latest day, never below 0, is the daily rate.</li>
 * <li>{@code linear}: what the period used so far divided by its elapsed days, once
 * {@link UsageViews#MIN_ELAPSED_TO_PROJECT} of the period has passed.</li>
 * </ul>
 * The projection is what the period used so far plus the daily rate times the days left.
 * With neither, there is no projection.
 */
final class UsageForecast {

	static final int TREND_DAYS = 14;

	static final int MIN_TREND_DAYS = 7;

	static final double HALF_LIFE_DAYS = 7;

	private static final double DAY_SECONDS = 86_400;

	private UsageForecast() {
	}

	/**
	 * Where the trend's days start: the rollups to read are from here to {@link #end}.
	 */
	static Instant start(Instant now) {
		return end(now).minus(Duration.ofDays(TREND_DAYS));
	}

	/** The end of the latest day of the trend: the end of the current hour. */
	static Instant end(Instant now) {
		return now.truncatedTo(ChronoUnit.HOURS).plus(1, ChronoUnit.HOURS);
	}

	/** The daily totals of each feature, oldest day first. */
	static Map<String, long[]> dailyTotals(List<LedgerRepository.Rollup> rollups, Instant now) {
		var start = start(now);
		var days = new HashMap<String, long[]>();
		for (var rollup : rollups) {
			long hours = ChronoUnit.HOURS.between(start, rollup.start());
			if (hours < 0 || hours >= TREND_DAYS * 24L) {
				continue;
			}
			days.computeIfAbsent(rollup.feature(), key -> new long[TREND_DAYS])[(int) (hours / 24)] += rollup.amount();
		}
		return days;
	}

	/**
	 * The trend's daily rate: absent when fewer than {@value #MIN_TREND_DAYS} days lie
	 * between the first day with usage and now.
	 */
	static @Nullable Trend trend(long @Nullable [] days) {
		if (days == null) {
			return null;
		}
		int first = 0;
		while (first < days.length && days[first] == 0) {
			first++;
		}
		int basis = days.length - first;
		if (basis < MIN_TREND_DAYS) {
			return null;
		}
		double sw = 0;
		double swx = 0;
		double swy = 0;
		double swxx = 0;
		double swxy = 0;
		for (int i = first; i < days.length; i++) {
			double x = i - (days.length - 1);
			double w = Math.pow(2, x / HALF_LIFE_DAYS);
			sw += w;
			swx += w * x;
			swy += w * days[i];
			swxx += w * x * x;
			swxy += w * x * days[i];
		}
		double slope = (sw * swxy - swx * swy) / (sw * swxx - swx * swx);
		double level = (swy - slope * swx) / sw;
		return new Trend(Math.max(0, level), slope, basis);
	}

	/**
	 * A quota's projection to the end of {@code period}: absent for a period without end
	 * and when there is too little data.
	 * @param days the feature's daily totals, absent when it has none
	 */
	static UsageView.@Nullable Projection project(long used, Period period, Instant now, long @Nullable [] days) {
		if (period.end() == null) {
			return null;
		}
		double remaining = Math.max(0, Duration.between(now, period.end()).toMillis() / 1000.0 / DAY_SECONDS);
		var trend = trend(days);
		if (trend != null) {
			return new UsageView.Projection(Math.round(used + trend.dailyRate() * remaining), "trend",
					round(trend.dailyRate()), trend.basisDays());
		}
		double elapsed = period.elapsed(now);
		if (elapsed < UsageViews.MIN_ELAPSED_TO_PROJECT) {
			return null;
		}
		double elapsedDays = Duration.between(period.start(), now).toMillis() / 1000.0 / DAY_SECONDS;
		return new UsageView.Projection(Math.round(used / elapsed), "linear",
				round(elapsedDays <= 0 ? 0 : used / elapsedDays), (int) Math.ceil(elapsedDays));
	}

	private static double round(double rate) {
		return Math.round(rate * 100) / 100.0;
	}

	/**
	 * @param dailyRate the fitted usage of the latest day, at least 0
	 * @param slope how much the fitted usage changes a day
	 * @param basisDays how many days the fit used
	 */
	record Trend(double dailyRate, double slope, int basisDays) {
	}

}
