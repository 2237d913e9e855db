/**
 * Organizations: members and their roles, invitations, seats as the plan caps them, and
 * organization-scoped tokens.
 */
@ApplicationModule
@NullMarked
package dev.plangate.identity.organization;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
