package awsapi

import (
	"bufio"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Profile is a profile of the AWS shared config and credentials files.
type Profile struct {
	Name string
	// Region is the profile's region in the config file, if it has one.
	Region string
}

// Profiles lists the profiles of the AWS shared config and credentials
// files (AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/config
// and ~/.aws/credentials), sorted by name. It reads only section names and
// regions, never keys.
func Profiles() []Profile {
	home, _ := os.UserHomeDir()
	config := os.Getenv("AWS_CONFIG_FILE")
	if config == "" {
		config = filepath.Join(home, ".aws", "config")
	}
	credentials := os.Getenv("AWS_SHARED_CREDENTIALS_FILE")
	if credentials == "" {
		credentials = filepath.Join(home, ".aws", "credentials")
	}
	regions := map[string]string{}
	names := map[string]bool{}
	// In the config file, sections are [default] and [profile NAME]; in
	// the credentials file, [NAME].
	readSections(config, func(section, key, value string) {
		name, ok := strings.CutPrefix(section, "profile ")
		if !ok && section != "default" {
			return // sso-session, services…
		}
		name = strings.TrimSpace(name)
		names[name] = true
		if key == "region" {
			regions[name] = value
		}
	})
	readSections(credentials, func(section, _, _ string) {
		names[section] = true
	})
	var out []Profile
	for n := range names {
		out = append(out, Profile{Name: n, Region: regions[n]})
	}
	slices.SortFunc(out, func(a, b Profile) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// readSections calls f for each section of an INI file, with each of its
// keys (and once with an empty key, for sections without any).
func readSections(path string, f func(section, key, value string)) {
	file, err := os.Open(path)
	if err != nil {
		return
	}
	defer file.Close()
	section := ""
	sc := bufio.NewScanner(file)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, ";"):
		case strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]"):
			section = strings.TrimSpace(line[1 : len(line)-1])
			f(section, "", "")
		case section != "":
			key, value, ok := strings.Cut(line, "=")
			if ok {
				f(section, strings.TrimSpace(key), strings.TrimSpace(value))
			}
		}
	}
}
