package dev.plangate.identity.twofactor;

import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import dev.plangate.identity.account.Device;
import dev.plangate.identity.account.SignedInAccount;
import dev.plangate.platform.ErrorCode;
import dev.plangate.platform.Idempotency;
import dev.plangate.platform.Refusals;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/** The signed-in account's two-factor authentication (an account's access token only). */
@RestController
@RequestMapping("/v1/me/two-factor")
@Tag(name = "Accounts")
class TwoFactorController {

	private final TwoFactorService twoFactor;

	TwoFactorController(TwoFactorService twoFactor) {
		this.twoFactor = twoFactor;
	}

	record StatusView(boolean enabled, @Nullable Instant enabledAt, int recoveryCodesLeft) {

		static StatusView of(TwoFactorService.Status status) {
			return new StatusView(status.enabled(), status.enabledAt(), status.recoveryCodesLeft());
		}

	}

	record Enrol(@NotBlank @Size(max = 1024) String password) {
	}

	record Code(@NotBlank @Size(max = 64) String code) {
	}

	record Disable(@NotBlank @Size(max = 1024) String password, @NotBlank @Size(max = 64) String code) {
	}

	record EnrolmentView(String secret, String provisioningUri) {
	}

	record RecoveryCodesView(List<String> recoveryCodes) {
	}

	@GetMapping
	@Operation(operationId = "getTwoFactor",
			summary = "Whether two-factor authentication is on, and the recovery codes left")
	StatusView status() {
		return StatusView.of(twoFactor.status(SignedInAccount.current().accountId()));
	}

	@Refusals({ ErrorCode.TWO_FACTOR_ENABLED })
	@PostMapping
	@Operation(operationId = "enrolTwoFactor", summary = "Start turning on two-factor authentication",
			description = "Answers a fresh secret, as base32 text and as an `otpauth://` URI for a QR code, shown "
					+ "this once. Two-factor stays off until a code of it is confirmed "
					+ "(`POST /v1/me/two-factor/confirm`). Needs the password and a confirmed email address; "
					+ "`two_factor_enabled` while it is on.")
	EnrolmentView enrol(@Valid @RequestBody Enrol request, HttpServletRequest http) {
		Idempotency.neverKeep();
		var enrolment = twoFactor.enrol(SignedInAccount.current().accountId(), request.password(),
				Device.of(http).ip());
		return new EnrolmentView(enrolment.secret(), enrolment.provisioningUri());
	}

	@Refusals({ ErrorCode.INVALID_SECOND_FACTOR, ErrorCode.TWO_FACTOR_NOT_ENROLLING })
	@PostMapping("/confirm")
	@Operation(operationId = "confirmTwoFactor",
			summary = "Turn on two-factor authentication with a code of the new secret",
			description = "Answers 10 single-use recovery codes, shown this once; a notice is mailed. "
					+ "A wrong code gets `invalid_second_factor`.")
	RecoveryCodesView confirm(@Valid @RequestBody Code request, HttpServletRequest http) {
		Idempotency.neverKeep();
		return new RecoveryCodesView(
				twoFactor.confirm(SignedInAccount.current().accountId(), request.code(), Device.of(http).ip()));
	}

	@Refusals({ ErrorCode.INVALID_SECOND_FACTOR, ErrorCode.INVALID_CREDENTIALS, ErrorCode.TWO_FACTOR_NOT_ENABLED })
	@PostMapping("/recovery-codes")
	@Operation(operationId = "regenerateRecoveryCodes", summary = "Replace my recovery codes",
			description = "Needs a current code (of the app, or an unused recovery code); the old codes stop "
					+ "working and 10 new ones are answered, shown this once.")
	RecoveryCodesView regenerate(@Valid @RequestBody Code request, HttpServletRequest http) {
		Idempotency.neverKeep();
		return new RecoveryCodesView(twoFactor.regenerateRecoveryCodes(SignedInAccount.current().accountId(),
				request.code(), Device.of(http).ip()));
	}

	@Refusals({ ErrorCode.INVALID_SECOND_FACTOR, ErrorCode.INVALID_CREDENTIALS, ErrorCode.TWO_FACTOR_NOT_ENABLED })
	@DeleteMapping
	@ResponseStatus(HttpStatus.NO_CONTENT)
	@Operation(operationId = "disableTwoFactor", summary = "Turn off two-factor authentication",
			description = "Needs the password and a current code (of the app, or an unused recovery code); the "
					+ "secret and the recovery codes are deleted and a notice is mailed.")
	void disable(@Valid @RequestBody Disable request, HttpServletRequest http) {
		twoFactor.disable(SignedInAccount.current().accountId(), request.password(), request.code(),
				Device.of(http).ip());
	}

}
