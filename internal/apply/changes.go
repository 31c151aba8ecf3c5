package apply

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
)

// The kinds of change a dry run shows.
const (
	added    = "added"
	modified = "modified"
	replaced = "replaced"
	removed  = "removed"
)

// change is what a deploy would do to one resource.
type change struct {
	service, id, typ, kind, note string
}

// printChanges shows a change set in compose terms: the changes of each
// compose service, then those of the resources the project shares.
// newOwners and oldOwners map logical IDs to services in the template to
// deploy and in the one deployed (a removed resource is only in the old).
func printChanges(w io.Writer, project string, cs *cloudformation.DescribeChangeSetOutput, newOwners, oldOwners map[string]string) {
	var changes []change
	counts := map[string]int{}
	for _, c := range cs.Changes {
		rc := c.ResourceChange
		if rc == nil {
			continue
		}
		id := aws.ToString(rc.LogicalResourceId)
		ch := change{id: id, typ: strings.TrimPrefix(aws.ToString(rc.ResourceType), "AWS::"), service: newOwners[id]}
		if ch.service == "" {
			ch.service = oldOwners[id]
		}
		switch rc.Action {
		case types.ChangeActionAdd:
			ch.kind = added
		case types.ChangeActionRemove:
			ch.kind = removed
		case types.ChangeActionModify:
			ch.kind = modified
			switch rc.Replacement {
			case types.ReplacementTrue:
				ch.kind = replaced
			case types.ReplacementConditional:
				ch.note = " (may be replaced)"
			}
			var props []string
			for _, d := range rc.Details {
				if d.Target != nil && d.Target.Name != nil && !slices.Contains(props, *d.Target.Name) {
					props = append(props, *d.Target.Name)
				}
			}
			if len(props) > 0 {
				ch.note += ": " + strings.Join(props, ", ")
			}
		default:
			ch.kind = strings.ToLower(string(rc.Action))
		}
		counts[ch.kind]++
		changes = append(changes, ch)
	}
	slices.SortFunc(changes, func(a, b change) int {
		// The services first, by name; the shared resources last.
		if c := compareOwners(a.service, b.service); c != 0 {
			return c
		}
		return strings.Compare(a.id, b.id)
	})
	fmt.Fprintf(w, "docker ecs up would change %s: %s\n", project, summary(counts))
	owner := "\x00"
	for _, c := range changes {
		if c.service != owner {
			owner = c.service
			name := c.service
			if name == "" {
				name = "shared by the project"
			}
			fmt.Fprintf(w, "%s:\n", name)
		}
		fmt.Fprintf(w, "  %-8s %s (%s)%s\n", c.kind, c.id, c.typ, c.note)
	}
}

func compareOwners(a, b string) int {
	switch {
	case a == b:
		return 0
	case a == "":
		return 1
	case b == "":
		return -1
	}
	return strings.Compare(a, b)
}

func summary(counts map[string]int) string {
	var parts []string
	for _, k := range []string{added, modified, replaced, removed} {
		if counts[k] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", counts[k], k))
		}
	}
	var others []string
	for k := range counts {
		if !slices.Contains([]string{added, modified, replaced, removed}, k) {
			others = append(others, k)
		}
	}
	slices.Sort(others)
	for _, k := range others {
		parts = append(parts, fmt.Sprintf("%d %s", counts[k], k))
	}
	return strings.Join(parts, ", ")
}
