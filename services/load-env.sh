# Sourced by `make test`: export the service addresses from var/services.env, without
# overriding a variable the caller already set.
_env_file="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/var/services.env"
if [[ -f "$_env_file" ]]; then
  while IFS='=' read -r _name _value; do
    [[ -z "$_name" || "$_name" == \#* ]] && continue
    if [[ -z "${!_name:-}" ]]; then export "$_name=$_value"; fi
  done <"$_env_file"
fi
unset _env_file _name _value
