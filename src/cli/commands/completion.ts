import type { Command, Option } from "commander";
import { UsageError } from "../../errors/evh-error.js";
import { registerAll } from "../command-list.js";
import { say } from "../output.js";
import { type Done, makeProgram } from "../program.js";

/** Options whose value is a directory or a file: completed from the filesystem. */
const DIR_OPTIONS = ["--root", "--prefix"];
const FILE_OPTIONS = ["--config", "--file"];

/** `evh completion bash`: a bash completion script, made from the commands and options themselves. */
export function registerCompletion(program: Command, done: Done): void {
  program
    .command("completion")
    .description("print the bash completion script")
    .argument("<shell>", "bash")
    .action((shell: string) => done(completion(shell)));
}

async function completion(shell: string): Promise<number> {
  if (shell !== "bash")
    throw new UsageError(`evh completion: unknown shell "${shell}" (only bash)`);
  const program = makeProgram();
  await registerAll(program, () => undefined);
  say(bashScript(program.commands));
  return 0;
}

function flags(options: readonly Option[]): string[] {
  return options.flatMap((o) => [o.short, o.long].filter((f): f is string => f !== undefined));
}

/** The script: command names first, then each command's options, and the values of options with choices. */
export function bashScript(commands: readonly Command[]): string {
  const names = commands.map((c) => c.name()).filter((n) => n !== "completion");
  const perCommand = commands.map(
    (c) => `    ${c.name()}) opts="${[...flags(c.options), "--help"].join(" ")}" ;;`,
  );
  const choices = commands.flatMap((c) =>
    c.options
      .filter((o) => o.argChoices && o.long)
      .map(
        (o) =>
          `    ${c.name()}:${o.long}) COMPREPLY=($(compgen -W "${o.argChoices?.join(" ")}" -- "$cur")); return ;;`,
      ),
  );
  return `# bash completion for evh, made by \`evh completion bash\`.
# Install: evh completion bash > /etc/bash_completion.d/evh
_evh() {
  local cur=\${COMP_WORDS[COMP_CWORD]} prev=\${COMP_WORDS[COMP_CWORD-1]} opts
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=($(compgen -W "${names.join(" ")} completion --help --version" -- "$cur"))
    return
  fi
  case "\${COMP_WORDS[1]}:$prev" in
${choices.join("\n")}
    *:${DIR_OPTIONS.join("|*:")}) COMPREPLY=($(compgen -d -- "$cur")); return ;;
    *:${FILE_OPTIONS.join("|*:")}) COMPREPLY=($(compgen -f -- "$cur")); return ;;
    completion:*) COMPREPLY=($(compgen -W "bash" -- "$cur")); return ;;
  esac
  case "\${COMP_WORDS[1]}" in
${perCommand.join("\n")}
    *) opts="--help" ;;
  esac
  COMPREPLY=($(compgen -W "$opts" -- "$cur"))
}
complete -o default -F _evh evh
`;
}
