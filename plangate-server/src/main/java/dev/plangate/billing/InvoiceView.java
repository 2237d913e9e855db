package dev.plangate.billing;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * An invoice as Stripe last described it; amounts in minor units of {@code currency}.
 *
 * @param id Stripe's invoice id
 * @param status {@code draft}, {@code open}, {@code paid}, {@code uncollectible} or
 * {@code void}
 * @param hostedUrl Stripe's page of the invoice, where an open one can be paid
 * @param pdfUrl the invoice as a PDF
 */
public record InvoiceView(String id, String customerId, @Nullable String number, String status, String currency,
		long total, long amountDue, long amountPaid, long amountRemaining, @Nullable String billingReason,
		@Nullable Instant periodStart, @Nullable Instant periodEnd, @Nullable Instant dueAt, @Nullable String hostedUrl,
		@Nullable String pdfUrl, Instant createdAt, Instant updatedAt) {
}
