/** Whether `f` returns without throwing: for checks that signal failure by throwing, and removals of what may be gone already. */
export function succeeds(f: () => unknown): boolean {
  try {
    f();
    return true;
  } catch {
    return false;
  }
}
