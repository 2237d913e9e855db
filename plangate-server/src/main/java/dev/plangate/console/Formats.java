package dev.plangate.console;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Currency;
import java.util.Locale;

import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

import dev.plangate.catalog.EntitlementView;

/**
 * How the pages show amounts and times, as {@code @fmt} in the templates: amounts from
 * minor units in their currency, times in UTC.
 */
@Component("fmt")
class Formats {

	private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);

	private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
		.withZone(ZoneOffset.UTC);

	public String money(long minor, String currency) {
		int digits;
		try {
			digits = Math.max(Currency.getInstance(currency.toUpperCase(Locale.ROOT)).getDefaultFractionDigits(), 0);
		}
		catch (IllegalArgumentException ex) {
			digits = 2;
		}
		return BigDecimal.valueOf(minor, digits).toPlainString() + " " + currency.toUpperCase(Locale.ROOT);
	}

	public String date(@Nullable Instant at) {
		return at == null ? "—" : DATE.format(at);
	}

	public String time(@Nullable Instant at) {
		return at == null ? "—" : TIME.format(at);
	}

	/**
	 * An entitlement's value in words: off, unlimited, a limit with its unit and period,
	 * a setting's value, or on.
	 */
	static String entitlement(EntitlementView e) {
		if (!e.enabled()) {
			return "off";
		}
		if (e.unlimited()) {
			return "unlimited";
		}
		if (e.limit() != null) {
			return String.format(Locale.ROOT, "%,d", e.limit()) + (e.unit() != null ? " " + e.unit() : "")
					+ (e.period() != null ? " / " + e.period() : "");
		}
		return e.value() != null ? e.value() : "on";
	}

	/** A mail's text or subject with its links and tokens masked ({@link MailMask}). */
	public @Nullable String masked(@Nullable String text) {
		return MailMask.mask(text);
	}

	/** What a plan gives of a feature, in a few words, as the portal's pages say it. */
	public String offer(@Nullable EntitlementView e) {
		if (e == null || !e.enabled()) {
			return "—";
		}
		if (e.unlimited()) {
			return "Unlimited";
		}
		if (e.value() != null) {
			return e.value();
		}
		if (e.limit() != null) {
			var amount = String.format(Locale.ROOT, "%,d", e.limit());
			if (e.period() != null) {
				return e.period().equals("lifetime") ? amount : amount + " a " + e.period().replace('_', ' ');
			}
			if (e.windowSeconds() != null) {
				return amount + switch (e.windowSeconds().intValue()) {
					case 1 -> " a second";
					case 60 -> " a minute";
					case 3600 -> " an hour";
					case 86400 -> " a day";
					default -> " per " + e.windowSeconds() + " s";
				};
			}
			return amount;
		}
		return "Included";
	}

}
