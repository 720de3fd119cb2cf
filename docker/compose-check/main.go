// compose-check validates docker-compose.yml with compose-go, the loader `docker compose`
// itself is built on: the Compose Specification JSON schema, interpolation of ${VAR:?msg}
// from an env file, and semantic checks (depends_on targets and conditions, volumes, ...).
// It needs no Docker engine. From the repository root:
//
//	(cd docker/compose-check && go run . -f ../../docker-compose.yml --env-file ../../.env.docker.example)
//
// -profile NAME (repeatable) loads the services of that profile too, as
// `docker compose --profile NAME` does, so their depends_on targets are checked as well.
//
// Exit status 0 and the normalised project on stdout when valid; 1 and the reason otherwise.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/compose-spec/compose-go/v2/cli"
)

func main() {
	file := flag.String("f", "docker-compose.yml", "compose file")
	envFile := flag.String("env-file", "", "env file whose variables the compose file interpolates")
	quiet := flag.Bool("q", false, "print nothing when valid")
	var profiles profileList
	flag.Var(&profiles, "profile", "a profile to enable (repeatable)")
	flag.Parse()

	opts := []cli.ProjectOptionsFn{cli.WithName("clickstream"), cli.WithProfiles(profiles)}
	if *envFile != "" {
		opts = append(opts, cli.WithEnvFiles(*envFile), cli.WithDotEnv)
	}
	options, err := cli.NewProjectOptions([]string{*file}, opts...)
	if err != nil {
		fmt.Fprintln(os.Stderr, "compose-check:", err)
		os.Exit(1)
	}
	project, err := options.LoadProject(context.Background())
	if err != nil {
		fmt.Fprintln(os.Stderr, "compose-check: invalid:", err)
		os.Exit(1)
	}
	if !*quiet {
		out, err := project.MarshalYAML()
		if err != nil {
			fmt.Fprintln(os.Stderr, "compose-check:", err)
			os.Exit(1)
		}
		fmt.Print(string(out))
	}
	fmt.Fprintf(os.Stderr, "compose-check: %s is valid (%d services)\n", *file, len(project.Services))
}

// profileList collects the -profile flags.
type profileList []string

func (p *profileList) String() string { return strings.Join(*p, ",") }

func (p *profileList) Set(value string) error {
	*p = append(*p, value)
	return nil
}
