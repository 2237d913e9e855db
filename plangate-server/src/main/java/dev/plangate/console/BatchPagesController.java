package dev.plangate.console;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import org.springframework.web.util.UriComponentsBuilder;

import dev.plangate.audit.AuditLog;
import dev.plangate.batch.BatchQueue;
import dev.plangate.batch.BatchService;
import dev.plangate.customer.CustomerService;
import dev.plangate.platform.ErrorCode;
import dev.plangate.platform.PlangateException;
import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The batch queue of every customer, and one batch, with a cancel for admins through
 * {@link BatchService#cancel} (the service, checks and audit record of {@code DELETE
 * /v1/batches/{id}}). Each page's figures come with the page, and again from its
 * {@code …/live} fragment, which the page's htmx polls: no connection is held open, every
 * refresh is an ordinary request of the operator's session, and a session that ended
 * stops it (see {@link ConsoleSessionGuard}).
 */
@Controller
@Hidden
class BatchPagesController {

	static final String PATH = "/console/batches";

	private static final int LIST = 50;

	private static final int RECENT = 10;

	private final BatchQueue queue;

	private final BatchService batches;

	private final CustomerService customers;

	private final AuditLog audit;

	private final Clock clock;

	BatchPagesController(BatchQueue queue, BatchService batches, CustomerService customers, AuditLog audit,
			Clock clock) {
		this.queue = queue;
		this.batches = batches;
		this.customers = customers;
		this.audit = audit;
		this.clock = clock;
	}

	@GetMapping(PATH)
	String queuePage(@RequestParam(required = false) @Nullable String status,
			@RequestParam(required = false) @Nullable String customer, Model model, HttpServletResponse response) {
		queue(status, customer, model, response);
		return "console/batches";
	}

	@GetMapping(PATH + "/live")
	String queueLive(@RequestParam(required = false) @Nullable String status,
			@RequestParam(required = false) @Nullable String customer, Model model, HttpServletResponse response) {
		queue(status, customer, model, response);
		return "console/batches :: live";
	}

	/** The overview's section, refreshed. */
	@GetMapping(PATH + "/summary/live")
	String summaryLive(Model model) {
		model.addAttribute("batchQueue", queue.figures());
		return "console/batch-parts :: summary";
	}

	private void queue(@Nullable String status, @Nullable String customer, Model model, HttpServletResponse response) {
		var statusId = blankToNull(status);
		var customerId = blankToNull(customer);
		model.addAttribute("status", statusId == null ? "" : statusId);
		model.addAttribute("customer", customerId == null ? "" : customerId);
		model.addAttribute("statuses", BatchQueue.statuses());
		model.addAttribute("figures", queue.figures());
		for (var page : List.of("self", "live")) {
			model.addAttribute(page,
					UriComponentsBuilder.fromPath("self".equals(page) ? PATH : PATH + "/live")
						.queryParamIfPresent("status", Optional.ofNullable(statusId))
						.queryParamIfPresent("customer", Optional.ofNullable(customerId))
						.encode()
						.build()
						.toUriString());
		}
		if (statusId != null && !BatchQueue.isStatus(statusId)) {
			response.setStatus(HttpStatus.BAD_REQUEST.value());
			model.addAttribute("error", "Unknown status: choose one of the list.");
			return;
		}
		if (customerId != null && customerId.length() > 200) {
			response.setStatus(HttpStatus.BAD_REQUEST.value());
			model.addAttribute("error", "The customer id is too long: at most 200 characters.");
			return;
		}
		if (customerId != null) {
			try {
				customers.get(customerId);
			}
			catch (PlangateException ex) {
				response.setStatus(ex.code().status().value());
				model.addAttribute("error", ex.getMessage());
				return;
			}
		}
		model.addAttribute("running", queue.running(customerId, LIST));
		model.addAttribute("batches", queue.batches(customerId, statusId, LIST));
		model.addAttribute("failedBatches", queue.recentlyFailed(customerId, RECENT));
		model.addAttribute("failedOperations", queue.recentlyFailedOperations(customerId, RECENT));
	}

	@GetMapping(PATH + "/{id}")
	String batchPage(@PathVariable UUID id, @AuthenticationPrincipal ConsoleOperator operator, Model model) {
		batch(id, model);
		model.addAttribute("mayChange", operator.mayChange());
		model.addAttribute("audit", audit.list("batch", id.toString(), null, 25).data());
		return "console/batch";
	}

	@GetMapping(PATH + "/{id}/live")
	String batchLive(@PathVariable UUID id, Model model) {
		batch(id, model);
		return "console/batch :: live";
	}

	private void batch(UUID id, Model model) {
		var progress = queue.progress(id);
		var b = progress.batch();
		model.addAttribute("p", progress);
		model.addAttribute("b", b);
		model.addAttribute("failed", queue.failedOperations(id));
		var now = clock.instant();
		var timings = new ArrayList<Timing>();
		timings.add(new Timing("Submitted", seconds(b.submittedAt())));
		timings.add(new Timing("Started", b.startedAt() == null ? "not yet" : seconds(b.startedAt())));
		if (b.startedAt() != null) {
			timings.add(new Timing("Waited in the queue", span(b.submittedAt(), b.startedAt())));
		}
		if (b.deadlineAt() != null && b.finishedAt() == null) {
			timings.add(new Timing("Deadline", seconds(b.deadlineAt())));
		}
		timings.add(new Timing("Ended", b.finishedAt() == null ? "not yet" : seconds(b.finishedAt())));
		if (b.startedAt() != null) {
			timings.add(new Timing(b.finishedAt() == null ? "Running for" : "Ran for",
					span(b.startedAt(), b.finishedAt() == null ? now : b.finishedAt())));
		}
		model.addAttribute("timings", timings);
	}

	/** A line of a batch's timings. */
	record Timing(String label, String value) {
	}

	private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
		.withZone(ZoneOffset.UTC);

	private static String seconds(Instant at) {
		return SECONDS.format(at);
	}

	/** A time span as people read it: 850 ms, 12 s, 3 min 4 s, 2 h 5 min. */
	static String span(Instant from, Instant to) {
		var d = Duration.between(from, to);
		if (d.isNegative()) {
			d = Duration.ZERO;
		}
		if (d.toMillis() < 1000) {
			return d.toMillis() + " ms";
		}
		if (d.toSeconds() < 60) {
			return d.toSeconds() + " s";
		}
		if (d.toMinutes() < 60) {
			return d.toMinutes() + " min " + d.toSecondsPart() + " s";
		}
		return d.toHours() + " h " + d.toMinutesPart() + " min";
	}

	@PostMapping(PATH + "/{id}/cancel")
	String cancel(@PathVariable UUID id, @RequestParam(defaultValue = "") String confirm, RedirectAttributes redirect) {
		var batch = queue.progress(id).batch();
		var path = UriComponentsBuilder.fromPath(PATH + "/{id}").buildAndExpand(id).encode().toUriString();
		if (!"yes".equals(confirm)) {
			redirect.addFlashAttribute("error", "Tick the confirmation to cancel the batch.");
			return "redirect:" + path;
		}
		try {
			var cancelled = batches.cancel(batch.customerId(), id);
			redirect.addFlashAttribute("notice",
					"cancelled".equals(cancelled.batch().status().id()) ? "Batch cancelled."
							: "Batch cancelling: operations not started are dropped; running ones stop at their "
									+ "next heartbeat.");
		}
		catch (PlangateException ex) {
			if (ex.code() == ErrorCode.BATCH_NOT_FOUND || ex.code() == ErrorCode.CUSTOMER_NOT_FOUND) {
				throw ex;
			}
			redirect.addFlashAttribute("error", ex.getMessage() + ".");
		}
		return "redirect:" + path;
	}

	private static @Nullable String blankToNull(@Nullable String text) {
		return text == null || text.isBlank() ? null : text.strip();
	}

}
