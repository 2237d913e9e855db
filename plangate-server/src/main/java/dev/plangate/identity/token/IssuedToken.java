package dev.plangate.identity.token;

/** A token just signed, in its compact form, and what it says. */
public record IssuedToken(String token, AccessClaims claims) {

	@Override
	public String toString() {
		return "IssuedToken[" + claims + "]";
	}

}
